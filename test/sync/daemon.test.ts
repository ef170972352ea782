import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { Daemon } from '../../src/sync/daemon.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { openStationQueue } from '../../src/sync/stationQueue.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { Station } from '../../src/station/Station.js';
import { TransmitWindows } from '../../src/schedule/TransmitWindows.js';
import { makeStations, tempDir } from './stations.js';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

const T0 = Date.UTC(2026, 10, 21, 0, 0, 0);
const HOUR = 3_600_000;

/** Schedule and budget for station A: 20-minute windows each hour, 60 s of airtime per hour. */
const SCHEDULE = {
  'schedule.window': [{ cron: '0 * * * *', duration_min: 20 }],
  'schedule.duty_cycle_pct': 50,
  'schedule.beacon_interval_s': 1800,
  'budget.global.airtime_s_per_hour': 60,
  'radio.bitrate': 9600,
};

test('daemon, 24 simulated hours: sends only in windows, never over budget, drains the queue in priority order', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a0, b, c] = makeStations(dir, ['N0AAA', 'N0BBB', 'N0CCC'], { clock });
  a0!.close();
  const a = Station.open(join(dir, 'N0AAA'), { clock, env: {}, overrides: SCHEDULE });
  const channel = new RadioChannel({ clock, seed: 7, bitrate: 9600, loss: { kind: 'iid', p: 0.1 } });
  const queue = openStationQueue(a);
  const daemon = new Daemon({ station: a, port: simRadioPort(channel.attach('N0AAA')), clock, queue, bitrate: 9600 });
  const rb = new StationRuntime({ station: b!, port: simRadioPort(channel.attach('N0BBB')), bitrate: 9600 });
  const rc = new StationRuntime({ station: c!, port: simRadioPort(channel.attach('N0CCC')), bitrate: 9600 });
  const acked: Array<{ peer: string; at: number }> = [];
  daemon.runtime.on('acknowledged', (e) => acked.push({ peer: e.peer, at: clock.now() }));
  try {
    // the operator queued C first with a higher priority; B is queued later at a lower one
    assert.ok(daemon.runtime.sendPending(['N0BBB'], { priority: 1 }));
    assert.ok(daemon.runtime.sendPending(['N0CCC'], { priority: 5 }));
    daemon.start();
    await clock.run(() => acked.length === 2, 24 * HOUR);
    daemon.stop();

    assert.deepEqual(acked.map((x) => x.peer), ['N0CCC', 'N0BBB'], 'higher priority delivered first');
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a.records));
    assert.deepEqual(tableFingerprints(c!.records), tableFingerprints(a.records));

    const windows = new TransmitWindows([{ cron: '0 * * * *', durationMin: 20 }]);
    const data = daemon.keyUps.filter((k) => k.to !== 'RSYNC');
    assert.ok(data.length > 10);
    for (const k of data) assert.ok(windows.isOpen(k.at), `key-up at ${new Date(k.at).toISOString()} outside a window`);
    // C's data all went before B's started (pre-emption between bursts, priority order)
    const lastC = Math.max(...data.filter((k) => k.to === 'N0CCC').map((k) => k.at));
    const firstB = Math.min(...data.filter((k) => k.to === 'N0BBB').map((k) => k.at));
    assert.ok(lastC < firstB, 'no B burst before C finished');
    // no rolling hour over 60 s of airtime (everything A keyed up, beacons included)
    for (const k of daemon.keyUps) {
      const inHour = daemon.keyUps.filter((x) => x.at >= k.at && x.at < k.at + HOUR).reduce((s, x) => s + x.airtimeMs, 0);
      assert.ok(inHour <= 60_000 + 1e-6, `${inHour} ms of airtime in the hour from ${new Date(k.at).toISOString()}`);
    }
    // the budget really bound: the whole job needed several hours
    assert.ok(acked[1]!.at - T0 > 2 * HOUR, 'the budget spread the transfers over hours');
    assert.ok(daemon.keyUps.some((k) => k.to === 'RSYNC'), 'beacons went out');
  } finally {
    rb.close();
    rc.close();
    queue.close();
    a.close();
    b!.close();
    c!.close();
    cleanup();
  }
});

test('a daemon killed in the middle of a transfer resumes after restart without resending acknowledged blocks', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a0, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  a0!.close();
  const overrides = { 'radio.bitrate': 9600, 'schedule.duty_cycle_pct': 100 };
  const channel = new RadioChannel({ clock, seed: 11, bitrate: 9600, loss: { kind: 'iid', p: 0.1 } });
  const rb = new StationRuntime({ station: b!, port: simRadioPort(channel.attach('N0BBB')), bitrate: 9600 });
  let a = Station.open(join(dir, 'N0AAA'), { clock, env: {}, overrides });
  let queue = openStationQueue(a);
  let radio = channel.attach('N0AAA');
  let daemon = new Daemon({ station: a, port: simRadioPort(radio), clock, queue, bitrate: 9600 });
  try {
    const info = daemon.runtime.sendPending(['N0BBB']);
    assert.ok(info);
    daemon.start();
    const progress = () => daemon.runtime.link.pendingOutbound()[0];
    await clock.run(() => {
      const p = progress();
      return p !== undefined && p.blocksAcked >= p.blockCount * 0.6;
    }, 6 * HOUR);
    const p = progress()!;
    const ackedBefore = p.blocksAcked;
    assert.ok(ackedBefore > 0 && ackedBefore < p.blockCount);
    const sentBefore = channel.stats()['N0AAA']!.framesSent;

    // kill -9: the process vanishes mid-transfer. Nothing is flushed, saved or closed: its radio
    // leaves the air and its timers never fire again (what SIGKILL does to a process).
    radio.close();
    daemon.runtime.link.close();
    clock.advance(10 * 60_000);

    a = Station.open(join(dir, 'N0AAA'), { clock, env: {}, overrides });
    queue = openStationQueue(a);
    radio = channel.attach('N0AAA-restarted');
    daemon = new Daemon({ station: a, port: simRadioPort(radio), clock, queue, bitrate: 9600 });
    const resumed = daemon.runtime.link.pendingOutbound()[0];
    assert.ok(resumed, 'the transfer is still queued after the restart');
    assert.equal(resumed.blocksAcked, ackedBefore, 'acknowledged blocks survived');
    let done = false;
    daemon.runtime.on('acknowledged', () => (done = true));
    daemon.start();
    await clock.run(() => done, 6 * HOUR);
    assert.ok(done, 'resumed transfer completed');
    const sentAfter = channel.stats()['N0AAA-restarted']!.framesSent;
    // the remaining ~40% of the blocks (plus parity and control frames), not the whole transfer again
    assert.ok(sentAfter < sentBefore, `after restart ${sentAfter} frames, before ${sentBefore}`);
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a.records));
    daemon.stop();
  } finally {
    rb.close();
    queue.close();
    a.close();
    b!.close();
    cleanup();
  }
});

test('a daemon on a station with no synced folder sends what the application writes while it runs', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a0, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  a0!.close();
  const a = Station.open(join(dir, 'N0AAA'), { clock, env: {}, overrides: { 'radio.bitrate': 9600 } });
  assert.deepEqual(a.config.folders, {}, 'no folder: no folder scan takes the captures in on the way');
  const channel = new RadioChannel({ clock, seed: 11, bitrate: 9600, loss: { kind: 'iid', p: 0.1 } });
  const queue = openStationQueue(a);
  const daemon = new Daemon({ station: a, port: simRadioPort(channel.attach('N0AAA')), clock, queue, bitrate: 9600 });
  const rb = new StationRuntime({ station: b!, port: simRadioPort(channel.attach('N0BBB')), bitrate: 9600 });
  // looks at B only: reading A's tables through radiosync would take A's captures in itself
  const late = () => b!.records.db.prepare("SELECT count(*) AS n FROM person WHERE first_name = 'Late'").get() as { n: number };
  let synced = false;
  daemon.runtime.on('acknowledged', () => (synced = true));
  try {
    daemon.start();
    await clock.run(() => synced, HOUR);
    assert.ok(synced, 'the first round synced the sample data');
    // the application writes, through its own connection, while the daemon runs
    const app = new Database(join(dir, 'N0AAA.sqlite'));
    app.prepare("INSERT INTO person (uuid, first_name, last_name) VALUES (?, 'Late', 'Arrival')").run(randomUUID());
    app.close();
    await clock.run(() => late().n === 1, HOUR);
    assert.equal(late().n, 1, 'the row written while the daemon ran reached the peer');
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a.records));
  } finally {
    daemon.stop();
    rb.close();
    queue.close();
    a.close();
    b!.close();
    cleanup();
  }
});

test('online first: the daemon queues nothing on air for a peer online holds, and queues at once when let go', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  const channel = new RadioChannel({ clock, seed: 3, bitrate: 9600, loss: { kind: 'iid', p: 0 } });
  const queue = openStationQueue(a!);
  let held = true;
  const queued: string[] = [];
  const daemon = new Daemon({
    station: a!, port: simRadioPort(channel.attach('N0AAA')), clock, queue, bitrate: 9600,
    holdRadio: (peer) => peer === 'N0BBB' && held,
    onEvent: (e) => {
      if (e.kind === 'queued') queued.push(e.peer!);
    },
  });
  const rb = new StationRuntime({ station: b!, port: simRadioPort(channel.attach('N0BBB')), bitrate: 9600 });
  try {
    daemon.start();
    await clock.run(() => false, 3 * 60_000);
    assert.deepEqual(queued, [], 'held: three ticks, nothing queued for B');
    assert.equal(daemon.runtime.outboundInfos().length, 0);
    // online fails: the fallback lets go and calls queuePending (startDaemon's onOnlineLost)
    held = false;
    daemon.queuePending();
    assert.deepEqual(queued, ['N0BBB'], 'queued the moment it was let go, not at the next tick');
    let synced = false;
    daemon.runtime.on('acknowledged', () => (synced = true));
    await clock.run(() => synced, HOUR);
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
  } finally {
    daemon.stop();
    rb.close();
    queue.close();
    a!.close();
    b!.close();
    cleanup();
  }
});

test('a peer that got everything by another path (online, in sync): the daemon drops what its radio queued for it and spends no more airtime on it', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  const channel = new RadioChannel({ clock, seed: 5, bitrate: 9600, loss: { kind: 'iid', p: 0 } });
  const queue = openStationQueue(a!);
  const events: Array<{ kind: string; peer?: string; rows?: number }> = [];
  const daemon = new Daemon({
    station: a!, port: simRadioPort(channel.attach('N0AAA')), clock, queue, bitrate: 9600,
    onEvent: (e) => events.push({ kind: e.kind, ...(e.peer ? { peer: e.peer } : {}), ...(e.rows !== undefined ? { rows: e.rows } : {}) }),
  });
  // B is on the frequency but its radio is off: nothing answers, the transfer stays queued
  channel.attach('N0BBB');
  try {
    daemon.start();
    await clock.run(() => daemon.keyUps.some((k) => k.to === 'N0BBB'), 10 * 60_000);
    const queued = events.filter((e) => e.kind === 'queued');
    assert.equal(queued.length, 1);
    assert.equal(daemon.runtime.outboundInfos().length, 1);
    // another path delivers it all (a bundle both ways here; online in the daemon), and B's
    // receipt moves A's cursor: B now holds everything A holds
    const { exportBundle } = await import('../../src/sync/bundleExport.js');
    const { importBundle } = await import('../../src/sync/bundleImport.js');
    await importBundle(b!, exportBundle(a!, ['N0BBB']).bytes);
    await importBundle(a!, exportBundle(b!, ['N0AAA']).bytes);
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
    daemon.dropQueuedFor('N0BBB');
    assert.deepEqual(events.filter((e) => e.kind === 'cancelled'), [{ kind: 'cancelled', peer: 'N0BBB', rows: queued[0]!.rows }]);
    assert.deepEqual(daemon.runtime.outboundInfos(), []);
    assert.equal(a!.log.counters()['sent.cancelled'], 1);
    daemon.dropQueuedFor('N0BBB');
    assert.equal(events.filter((e) => e.kind === 'cancelled').length, 1, 'nothing left to drop');
    // an hour on: nothing more on air for B beyond the one CANCEL (a key-up of its own or riding
    // on a beacon), and nothing queued again (it holds everything)
    const before = daemon.keyUps.filter((k) => k.to === 'N0BBB').length;
    const sent = channel.stats()['N0AAA']!;
    const bytesBefore = sent.bytesOnAir;
    const beaconsBefore = events.filter((e) => e.kind === 'beacon').length;
    await clock.run(() => false, HOUR);
    assert.ok(daemon.keyUps.filter((k) => k.to === 'N0BBB').length <= before + 1);
    assert.equal(events.filter((e) => e.kind === 'queued').length, 1);
    const beacons = events.filter((e) => e.kind === 'beacon').length - beaconsBefore;
    assert.ok(channel.stats()['N0AAA']!.bytesOnAir - bytesBefore < 100 + beacons * 150, `bytes on air after the drop: ${channel.stats()['N0AAA']!.bytesOnAir - bytesBefore}`);
  } finally {
    daemon.stop();
    queue.close();
    a!.close();
    b!.close();
    cleanup();
  }
});
