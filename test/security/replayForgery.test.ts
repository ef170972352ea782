/**
 * Replays and forgeries on the simulated air (virtual time): an attacker radio records every frame
 * and transmits whatever it likes, with any source callsign, but without the stations' keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirRig, addPersons, stationState, uiFrame } from './airRig.js';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { FrameType } from '../../src/link/frameHeader.js';
import { encodeAckFrame } from '../../src/link/ackFrame.js';
import { macTag } from '../../src/auth/pairwise.js';
import { RECEIPT_APPLIED } from '../../src/sync/StationRuntime.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';

const A = 'N0AAA';
const B = 'N0BBB';

async function acknowledged(rig: AirRig, from: string, limitMs = 600_000): Promise<boolean> {
  let done = false;
  const off = rig.runtime(from).on('acknowledged', () => (done = true));
  await rig.run(() => done, limitMs);
  off();
  await rig.run(() => false, 5_000); // let the last frames reach every listener
  return done;
}

test('replaying a recorded changeset transfer has no effect, also after the receiver restarted and forgot it', async () => {
  const rig = new AirRig({ runtime: { [A]: { acceptInbound: false } } });
  try {
    addPersons(rig.station(A), 30);
    assert.ok(rig.runtime(A).sendPending([B]));
    assert.ok(await acknowledged(rig, A));
    const recorded = rig.air.filter((f) => f.from === A);
    assert.ok(recorded.some((f) => { const r = decodeFrame(f.info); return r.ok && r.frame.type === FrameType.Data; }));
    const beforeA = stationState(rig.station(A));
    const beforeB = stationState(rig.station(B));
    const rowsB = rig.runtime(B).counters.rowsApplied;
    const evil = rig.attacker();
    for (const f of recorded) evil.send(f.bytes);
    await rig.run(() => false, 120_000);
    assert.deepEqual(stationState(rig.station(B)), beforeB);
    assert.deepEqual(stationState(rig.station(A)), beforeA);
    assert.equal(rig.runtime(B).counters.rowsApplied, rowsB);

    // The receiver restarts (its link's memory of completed transfers is gone) and hears it all again:
    // the link reassembles it, the store sees the changeset's hash and applies nothing.
    rig.stopRuntime(B);
    const rtB = rig.startRuntime(B);
    const applied: boolean[] = [];
    rtB.on('applied', (e) => applied.push(e.result.duplicate));
    for (const f of recorded) evil.send(f.bytes);
    await rig.run(() => applied.length > 0, 300_000);
    assert.deepEqual(applied, [true], 'the replayed changeset was recognised as a duplicate');
    assert.equal(rtB.counters.rowsApplied, 0);
    assert.deepEqual(stationState(rig.station(B)), beforeB);
    assert.deepEqual(stationState(rig.station(A)), beforeA);
  } finally {
    rig.close();
  }
});

test('an old final ack replayed onto a new transfer that reuses the 16-bit transfer id does not move the sender\'s cursor', async () => {
  const rig = new AirRig({ runtime: { [A]: { acceptInbound: false } } });
  try {
    addPersons(rig.station(A), 10, 'first');
    const first = rig.runtime(A).sendPending([B])!;
    assert.ok(await acknowledged(rig, A));
    const finalAcks = rig.air.filter((f) => {
      const r = decodeFrame(f.info);
      return f.from === B && r.ok && r.frame.type === FrameType.Ack && r.frame.complete && r.frame.transferId === first.transferId;
    });
    assert.ok(finalAcks.length > 0, 'the final ack was recorded off the air');

    // B leaves the air; A restarts with a fresh queue, so its transfer ids start over.
    rig.stopRuntime(B);
    rig.stopRuntime(A);
    const rtA = rig.startRuntime(A, { acceptInbound: false });
    addPersons(rig.station(A), 10, 'second');
    const cursor = stationState(rig.station(A)).cursors[B];
    const second = rtA.sendPending([B])!;
    assert.equal(second.transferId, first.transferId, 'the id was reused (the precondition of this attack)');
    const t0 = rig.clock.now();
    await rig.run(() => rig.air.some((f) => f.at > t0 && f.from === A), 60_000);
    const evil = rig.attacker();
    for (const f of finalAcks) evil.send(f.bytes);
    await rig.run(() => false, 60_000);
    assert.deepEqual(stationState(rig.station(A)).cursors[B], cursor, 'a replayed ack moved the cursor: the new rows would never be sent');

    // When B is back, the new rows still reach it.
    const rtB = rig.startRuntime(B);
    void rtB;
    if (!rtA.outboundInfos().some((i) => i.to.includes(B))) rtA.sendPending([B]);
    assert.ok(await acknowledged(rig, A));
    assert.deepEqual(tableFingerprints(rig.station(B).records), tableFingerprints(rig.station(A).records));
  } finally {
    rig.close();
  }
});

test('a forged ack (no pair key) cannot make the sender drop data the receiver never got', async () => {
  const rig = new AirRig({ runtime: { [A]: { acceptInbound: false } }, noRuntime: [B] });
  try {
    addPersons(rig.station(A), 10);
    const rtA = rig.runtime(A);
    const info = rtA.sendPending([B])!;
    const cursor = stationState(rig.station(A)).cursors[B];
    const t0 = rig.clock.now();
    await rig.run(() => rig.air.some((f) => f.at > t0 && f.from === A), 60_000);
    const impostor = rig.impostor(B, [A]);
    const wrongKey = impostor.pairKey(A)!;
    const complete = { eob: true, transferId: info.transferId, burst: 0, known: true, complete: true, hashMismatch: false, rejected: false, heard: 3, base: 0, needs: [] as number[], receipt: Uint8Array.of(RECEIPT_APPLIED) };
    const forged = [
      encodeAckFrame(complete), // no tag at all
      encodeAckFrame(complete, (b) => macTag(wrongKey, b)), // tagged with a key derived without B's private key
      encodeAckFrame(complete, () => new Uint8Array(8)), // a guessed tag
      encodeAckFrame({ ...complete, complete: false, rejected: true, receipt: undefined }, (b) => macTag(wrongKey, b)), // "refused": would drop the transfer
      encodeAckFrame({ ...complete, complete: false, base: 1, needs: [0], receipt: undefined }, (b) => macTag(wrongKey, b)), // "every block complete"
    ];
    const evil = rig.attacker();
    for (const f of forged) evil.send(uiFrame(B, A, f));
    await rig.run(() => false, 30_000);
    assert.equal(rtA.link.stats.authFailures, forged.length);
    assert.deepEqual(stationState(rig.station(A)).cursors[B], cursor);
    const p = rtA.link.pendingOutbound().find((x) => x.id === info.transferId);
    assert.ok(p && p.pending.includes(B) && p.blocksAcked === 0, 'the transfer is still queued, nothing acknowledged');

    // The real B then gets everything.
    rig.startRuntime(B);
    assert.ok(await acknowledged(rig, A, 1_800_000));
    assert.deepEqual(tableFingerprints(rig.station(B).records), tableFingerprints(rig.station(A).records));
  } finally {
    rig.close();
  }
});

test('an ack reflected back to the station that sent it (same pair key, other direction) is refused', async () => {
  const rig = new AirRig({ runtime: { [A]: { acceptInbound: false } } });
  try {
    addPersons(rig.station(A), 10, 'a');
    const first = rig.runtime(A).sendPending([B])!;
    assert.ok(await acknowledged(rig, A));
    const bAcks = rig.air.filter((f) => {
      const r = decodeFrame(f.info);
      return f.from === B && r.ok && r.frame.type === FrameType.Ack && r.frame.complete;
    });
    assert.ok(bAcks.length > 0);
    // A goes off the air; B now sends its own edits to A with the same transfer id.
    rig.stopRuntime(A);
    addPersons(rig.station(B), 10, 'b');
    const rtB = rig.runtime(B);
    const mine = rtB.sendPending([A])!;
    assert.equal(mine.transferId, first.transferId);
    const cursor = stationState(rig.station(B)).cursors[A];
    const t0 = rig.clock.now();
    await rig.run(() => rig.air.some((f) => f.at > t0 && f.from === B), 60_000);
    // the attacker turns B's own ack around: "from A to B", tag untouched
    const evil = rig.attacker();
    for (const f of bAcks) evil.send(uiFrame(A, B, f.info));
    await rig.run(() => false, 30_000);
    assert.ok(rtB.link.stats.authFailures >= bAcks.length, 'the reflected ack failed authentication');
    assert.ok(rtB.link.pendingOutbound().some((p) => p.id === mine.transferId && p.pending.includes(A)), 'the transfer is still queued');
    assert.deepEqual(stationState(rig.station(B)).cursors[A], cursor);
  } finally {
    rig.close();
  }
});
