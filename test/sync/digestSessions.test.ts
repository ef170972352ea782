import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { dropping, helloBody } from './droppingPort.js';
import type { Station } from '../../src/station/Station.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { makeStations, tempDir } from './stations.js';
import { syncSession, sendSession, receiveSession } from '../../src/sync/sessions.js';
import { HelloKind } from '../../src/sync/hello.js';
import { peerDigest, stateDigest, verdictFor } from '../../src/sync/stateDigest.js';
import type { RepairResult } from '../../src/sync/Repair.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

interface Pair {
  clock: ManualClock;
  a: Station;
  b: Station;
  ra: StationRuntime;
  rb: StationRuntime;
  portA: ReturnType<typeof dropping>;
  portB: ReturnType<typeof dropping>;
}

async function withPair(opts: { dropA?: (f: Uint8Array) => boolean; dropB?: (f: Uint8Array) => boolean; allFull?: boolean }, body: (p: Pair) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock, ...(opts.allFull ? { allFull: true } : {}) });
  const channel = new RadioChannel({ clock, seed: 3, bitrate: 9600, loss: { kind: 'iid', p: 0 } });
  const portA = dropping(simRadioPort(channel.attach('N0AAA')), opts.dropA ?? (() => false));
  const portB = dropping(simRadioPort(channel.attach('N0BBB')), opts.dropB ?? (() => false));
  const ra = new StationRuntime({ station: a!, port: portA, bitrate: 9600 });
  const rb = new StationRuntime({ station: b!, port: portB, bitrate: 9600 });
  try {
    await body({ clock, a: a!, b: b!, ra, rb, portA, portB });
  } finally {
    ra.close();
    rb.close();
    a!.close();
    b!.close();
    cleanup();
  }
}

async function run<T>(clock: ManualClock, p: Promise<T>, limitMs = 6 * 3600_000): Promise<T> {
  let done = false;
  const q = p.finally(() => (done = true));
  await clock.run(() => done, limitMs);
  return q;
}

test('after a sync both ends say "in sync" from the two digests; the in-sync exchange costs 8 + 8 bytes of digest', () =>
  withPair({}, async ({ clock, a, b, ra, portA, portB }) => {
    const r = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    assert.ok(r.ok, JSON.stringify(r.verdicts));
    assert.equal(r.verdicts['N0BBB']?.state, 'in sync');
    assert.deepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
    assert.ok(peerDigest(b, 'N0AAA'), 'B holds a digest from A (a Q naming its own summary)');
    // a second sync with nothing to send: HELLO S ‖ hash of A's summary ‖ flag (10 B) → N ‖ that hash
    // echoed (9 B: B's summary is the one A named, so it need not travel); no Q needed
    portA.helloBytes.length = 0;
    portB.helloBytes.length = 0;
    const again = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    assert.ok(again.ok);
    assert.equal(again.sent.transfers, 0);
    assert.deepEqual(portB.helloBytes, [9], 'B answered with N ‖ the 8-byte hash it agrees with');
    assert.deepEqual(portA.helloBytes, [10], 'A asked (S ‖ 8-byte hash ‖ idle flag); B knew from it, so no Q');
    assert.equal(peerDigest(b, 'N0AAA')?.summary, peerDigest(a, 'N0BBB')?.summary, 'each holds the same summary for the other');
  }));

test('a lost sync request (the first frame) does not end the session: it is repeated with back-off', () =>
  withPair({ dropA: (f) => helloBody(f)?.[0] === HelloKind.SyncRequest, allFull: true }, async ({ clock, ra, portA }) => {
    const r = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 600_000 }));
    assert.equal(portA.dropped, 1, 'exactly the first HELLO S was lost');
    assert.ok(r.ok, `sync ended ok (timed out: ${r.timedOut})`);
    assert.equal(r.verdicts['N0BBB']?.state, 'in sync');
  }));

test('a lost last frame (the Q that confirms the digests agree) does not end the session either', () =>
  withPair({ dropA: (f) => helloBody(f)?.[0] === HelloKind.Agree }, async ({ clock, a, b, ra, rb, portA }) => {
    const recv = receiveSession(rb, { once: true, timeoutMs: 1800_000, lingerMs: 8_000 });
    const sent = await run(clock, sendSession(ra, ['N0BBB'], { timeoutMs: 1800_000 }));
    const got = await run(clock, recv);
    assert.equal(portA.dropped, 1, 'exactly the first Q was lost');
    assert.ok(sent.ok, JSON.stringify(sent.verdicts));
    assert.ok(got.ok, `receive ended ok (timed out: ${got.timedOut}) ${JSON.stringify(got.verdicts)}`);
    assert.equal(got.verdicts['N0AAA']?.state, 'in sync', 'B asked again (HELLO D, ask = 1) and heard the answer');
    assert.deepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
  }));

test('a row lost at one end (vectors equal, digests not) is found by the repair exchange and sent again', () =>
  withPair({}, async ({ clock, a, b, ra, rb }) => {
    const first = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    assert.ok(first.ok);
    // B loses one person: its log entries and the row, behind radiosync's back (a bad restore)
    const row = b.records.db.prepare('SELECT uuid FROM person LIMIT 1 OFFSET 7').get() as { uuid: string };
    const id = Buffer.from(row.uuid.replace(/-/g, ''), 'hex');
    b.records.db.exec('UPDATE radiosync_state SET applying = 1');
    b.records.db.prepare('DELETE FROM radiosync_log WHERE tbl = ? AND id = ?').run('person', id);
    b.records.db.prepare('DELETE FROM person WHERE uuid = ?').run(row.uuid);
    b.records.db.exec('UPDATE radiosync_state SET applying = 0');
    assert.notDeepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
    assert.deepEqual(b.records.versionVector(), a.records.versionVector(), 'the vectors cannot see it');
    const bRepairs: RepairResult[] = [];
    rb.on('repaired', (e) => bRepairs.push(e.result));
    const r = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    // A's sync request said "nothing of mine is queued for you" and named another digest: B's answer is a PROBE
    assert.equal(bRepairs.length, 1, 'one repair exchange, started by B');
    assert.equal(r.repairs.length, 0, 'A had no need to start one of its own');
    assert.ok(r.ok, JSON.stringify(r.verdicts));
    assert.equal(r.verdicts['N0BBB']?.state, 'in sync');
    assert.deepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
    assert.equal(verdictFor(b, 'N0AAA', stateDigest(b, undefined)).state, 'in sync', 'B judges from the REPLY: in sync');
  }));

test('a row lost at the station that runs sync: the PROBE from the peer shows A what it lacks, and A asks for it', () =>
  withPair({}, async ({ clock, a, b, ra, rb }) => {
    const first = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    assert.ok(first.ok);
    // a person registered at B reaches A; then A loses it behind radiosync's back
    const uuid = '5b7c2a9e-1d3f-4e8a-9b6c-0f1e2d3c4b5a';
    b.records.db.prepare("INSERT INTO person (uuid, first_name, last_name, age, status) VALUES (?, 'Asha', 'Gurung', 31, 'sheltered')").run(uuid);
    assert.ok((await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }))).ok);
    const row = a.records.db.prepare('SELECT uuid FROM person WHERE uuid = ?').get(uuid) as { uuid: string };
    const id = Buffer.from(row.uuid.replace(/-/g, ''), 'hex');
    a.records.db.exec('UPDATE radiosync_state SET applying = 1');
    a.records.db.prepare('DELETE FROM radiosync_log WHERE tbl = ? AND id = ?').run('person', id);
    a.records.db.prepare('DELETE FROM person WHERE uuid = ?').run(row.uuid);
    a.records.db.exec('UPDATE radiosync_state SET applying = 0');
    const bRepairs: RepairResult[] = [];
    rb.on('repaired', (e) => bRepairs.push(e.result));
    const r = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    assert.equal(bRepairs.length, 1);
    assert.equal(bRepairs[0]!.rows, 1, 'B sent the one row A asked for');
    assert.ok(r.ok, JSON.stringify(r.verdicts));
    assert.deepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
    assert.ok(a.records.db.prepare('SELECT 1 FROM person WHERE uuid = ?').get(row.uuid), 'the row is back at A');
  }));

test('a sync request that is not idle (changes of ours queued) is answered with N, never a PROBE', () =>
  withPair({}, async ({ clock, a, b, ra, rb }) => {
    const first = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    assert.ok(first.ok);
    a.records.db.prepare("UPDATE person SET age = age + 1 WHERE rowid = 2").run();
    const bRepairs: RepairResult[] = [];
    rb.on('repaired', (e) => bRepairs.push(e.result));
    const r = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    assert.ok(r.ok, JSON.stringify(r.verdicts));
    assert.equal(r.sent.transfers, 1, 'the edit went as an ordinary changeset');
    assert.equal(bRepairs.length + r.repairs.length, 0, 'no repair');
    assert.deepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
  }));

test('a repair that this sync starts ends the session when it is done, not at the timeout', () =>
  withPair({}, async ({ clock, a, b, ra }) => {
    const first = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }));
    assert.ok(first.ok);
    // B loses a row behind radiosync's back, and A has an edit queued: its sync request is not
    // idle, so B answers N (no PROBE) and it is A, judging the digests, that starts the repair
    const row = b.records.db.prepare('SELECT uuid FROM person LIMIT 1 OFFSET 7').get() as { uuid: string };
    b.records.db.exec('UPDATE radiosync_state SET applying = 1');
    b.records.db.prepare('DELETE FROM radiosync_log WHERE tbl = ? AND id = ?').run('person', Buffer.from(row.uuid.replace(/-/g, ''), 'hex'));
    b.records.db.prepare('DELETE FROM person WHERE uuid = ?').run(row.uuid);
    b.records.db.exec('UPDATE radiosync_state SET applying = 0');
    a.records.db.prepare('UPDATE person SET age = age + 1 WHERE rowid = 2').run();
    const timeoutMs = 3600_000;
    const r = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs }));
    assert.equal(r.repairs.length, 1, 'A ran one repair exchange');
    assert.ok(r.ok, JSON.stringify(r.verdicts));
    assert.ok(r.durationMs < timeoutMs / 10, `the session ended ${r.durationMs} ms in, when the repair was done`);
    assert.deepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
  }));

test('receive counts the changeset it sends in answer to a sync request in what it reports as sent', () =>
  withPair({ allFull: true }, async ({ clock, a, b, ra, rb }) => {
    a.records.db.prepare('UPDATE person SET age = age + 1 WHERE rowid = 2').run();
    b.records.db.prepare('UPDATE person SET age = age + 2 WHERE rowid = 3').run();
    const recv = receiveSession(rb, { once: true, timeoutMs: 1800_000, lingerMs: 8_000 });
    const r = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: 1800_000 }));
    const got = await run(clock, recv);
    assert.ok(r.ok && got.ok, `sync ${r.ok}, receive ${got.ok}`);
    assert.equal(r.received.changesets, 1, 'A got B\'s answer');
    assert.equal(got.sent.transfers, 1, 'and B reports sending it');
    assert.equal(got.sent.acknowledged, 1);
    assert.ok(got.sent.bytes > 0 && got.sent.rows >= 1, JSON.stringify(got.sent));
    assert.deepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
  }));
