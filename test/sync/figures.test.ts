/** The figures an operator reads (issue 13): each one tested against what actually happened. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort, type FramePort } from '../../src/sync/FramePort.js';
import { makeStations, tempDir } from './stations.js';
import { DroppedInput } from '../../src/sync/droppedInput.js';
import { stationStatus } from '../../src/sync/stationStatus.js';
import { openStationQueue } from '../../src/sync/stationQueue.js';
import { etaText } from '../../src/cli/progress.js';
import { sessionLine } from '../../src/cli/commands/status.js';
import { exportBundle, importBundle } from '../../src/sync/bundles.js';
import { folderSetup, put, type FolderNode } from './folderStations.js';

const T0 = Date.UTC(2026, 10, 21, 12);

test('ETA: never "NFs": waiting for the first ack, then from the rate of acknowledged blocks', () => {
  assert.equal(etaText(0, 10, 0), 'waiting for the first ack');
  assert.equal(etaText(0, 10, 60_000), 'waiting for the first ack');
  assert.equal(etaText(5, 10, 10_000), '10 s');
  assert.equal(etaText(1, 10, 60_000), '9 min');
  assert.equal(etaText(10, 10, 1000), 'done');
  assert.equal(etaText(3, 10, 5000, 3), 'waiting for the first ack', 'blocks acknowledged before the bar started do not count as a rate');
});

test('recent sessions print as one readable line, never raw JSON', () => {
  const line = sessionLine({ sent: { transfers: 2, rows: 405, bytes: 14_000, acknowledged: 1 }, received: { changesets: 1, rows: 3, files: 2 }, failed: 1, keyUps: 7, timedOut: true, verdicts: { N0BBB: { state: 'differs', rows: 12, files: 1, at: 0 } } });
  assert.equal(line, 'sent 405 rows (1/2 transfers acknowledged), received 1 changesets, 3 row changes, 2 files, 1 given up, 7 key-ups, timed out, N0BBB differs: 12 rows, 1 files');
  assert.doesNotMatch(line, /[{}"]/);
});

test('dropped input is counted and kept: junk frames and replayed frames are not "none"', async () => {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  const channel = new RadioChannel({ clock, seed: 9, bitrate: 9600, loss: { kind: 'iid', p: 0 } });
  const sent: Uint8Array[] = [];
  const raw = simRadioPort(channel.attach('N0AAA'));
  const portA: FramePort = { send: (f) => (sent.push(f), raw.send(f)), onFrame: raw.onFrame.bind(raw), ...(raw.onIdle ? { onIdle: raw.onIdle.bind(raw) } : {}) };
  const junk = simRadioPort(channel.attach('N0JNK'));
  const ra = new StationRuntime({ station: a!, port: portA, bitrate: 9600, acceptInbound: false });
  const rb = new StationRuntime({ station: b!, port: simRadioPort(channel.attach('N0BBB')), bitrate: 9600 });
  try {
    let acked = false;
    ra.on('acknowledged', () => (acked = true));
    assert.ok(ra.sendPending(['N0BBB']));
    await clock.run(() => acked, 3600_000);
    // 40 junk frames (not AX.25 at all), then every frame A sent, again (a replay)
    for (let i = 0; i < 40; i++) junk.send(Uint8Array.from({ length: 30 }, (_, j) => (i * 31 + j * 7) & 0xff));
    for (const f of sent.slice(0, 20)) junk.send(f);
    await clock.run(() => false, 120_000);
    const before = stationStatus(b!).dropped;
    assert.deepEqual(before, {}, 'nothing persisted yet: counted in the runtime only');
    new DroppedInput(rb).flush();
    const q = openStationQueue(b!);
    const after = stationStatus(b!, q).dropped;
    q.close();
    assert.ok((after['junk-frames'] ?? 0) >= 40, JSON.stringify(after));
    assert.ok((after['duplicate-frames'] ?? 0) + (after['bad-frames'] ?? 0) + (after['auth-failures'] ?? 0) > 0, JSON.stringify(after));
  } finally {
    ra.close();
    rb.close();
    a!.close();
    b!.close();
    cleanup();
  }
});

test('status: a transfer mostly sent but not yet acknowledged shows its blocks and % sent, not a bare 0 %', async () => {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  const channel = new RadioChannel({ clock, seed: 9, bitrate: 9600, loss: { kind: 'iid', p: 0 } });
  const queue = openStationQueue(a!);
  const ra = new StationRuntime({ station: a!, port: simRadioPort(channel.attach('N0AAA')), bitrate: 9600, queue, acceptInbound: false });
  try {
    assert.ok(ra.sendPending(['N0BBB']));
    await clock.run(() => false, 30_000); // nobody answers: the first bursts go out, no ack comes back
    const s = stationStatus(a!, queue);
    assert.equal(s.queue.length, 1);
    const q = s.queue[0]!;
    assert.equal(q.blocksAcked, 0);
    assert.ok(q.blocks >= 1);
    assert.ok(q.percentSent > 0, `sent ${q.percentSent} %`);
  } finally {
    ra.close();
    queue.close();
    a!.close();
    cleanup();
  }
});

test('import reports the files and conflict copies it wrote (not "0 rows applied, 0 conflicts")', async () => {
  const { nodes, done } = folderSetup(['N0AAA', 'N0BBB']);
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    put(a.root, 'plan.txt', 'version A');
    put(b.root, 'plan.txt', 'version B');
    await a.fs.capture();
    await b.fs.capture();
    const r = await importBundle(b.station, exportBundle(a.station, ['N0BBB'], a.fs).bytes, b.fs);
    assert.equal(r.rowsApplied, 0, 'no table row changed (the @files row is held, not a table row)');
    assert.equal(r.conflicts, 0, 'no field conflict in the record store');
    assert.equal(r.conflictCopies, 1, 'but one conflict copy written on disk');
  } finally {
    done();
  }
});

