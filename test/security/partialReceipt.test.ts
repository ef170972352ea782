/**
 * The partial receipt (docs/protocol.md §3.2, issue #18): when an origin run inside a changeset is
 * refused, the receiver applies the rest and answers with receipt kind 0x03 (RECEIPT_PARTIAL); the
 * sender then moves no cursor, keeps the peer's digest (so it knows the peer differs) and counts
 * `sent.partly_refused`.
 *
 * Three stations: A trusts C and holds C's rows (by bundle); B trusts A but holds no key for C. A's
 * changeset for B carries A's own run and C's run; B refuses C's (RS_ERR_STORE_ORIGIN_UNSIGNED:
 * signed by an origin whose key it does not hold) and applies A's. Over the simulator, virtual time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirRig, addPersons } from './airRig.js';
import { exportBundle, importBundle } from '../../src/sync/bundles.js';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { FrameType } from '../../src/link/frameHeader.js';
import type { AckFrame } from '../../src/link/ackFrame.js';
import { RECEIPT_APPLIED, RECEIPT_PARTIAL } from '../../src/sync/StationRuntime.js';
import { peerDigest, stateDigest, verdictFor } from '../../src/sync/stateDigest.js';
import { encodeSummary, summarize } from '../../src/store/digest.js';

const A = 'N0AAA';
const B = 'N0BBB';
const C = 'N0CCC';

/** Receipts B put on the air for A (the final ACKs of A's transfers), in order. */
function receiptsOnAir(rig: AirRig): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of rig.air) {
    if (f.from !== B || f.to !== A) continue;
    const d = decodeFrame(f.info);
    if (d.ok && d.frame.type === FrameType.Ack && (d.frame as AckFrame).receipt) out.push((d.frame as AckFrame).receipt!);
  }
  return out;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('a changeset with one refused origin run: B answers RECEIPT_PARTIAL (0x03) on air; A moves no cursor, keeps B\'s digest, counts sent.partly_refused', async () => {
  const rig = new AirRig({ calls: [A, B] });
  try {
    const a = rig.station(A);
    const b = rig.station(B);
    const c = rig.impostor(C, [A]); // a station of its own keys; A trusts it, B has never heard of it
    a.addPeer(C, c.publicKey());
    const fromC = addPersons(c, 5, 'c');
    const r = await importBundle(a, exportBundle(c, [A]).bytes);
    assert.equal(r.rowsApplied, 5, 'A holds C\'s rows');
    const fromA = addPersons(a, 7, 'a');

    const cursorBefore = { ...(a.records.peer(B)?.acked ?? {}) };
    const countersBefore = a.log.counters();
    assert.equal(peerDigest(a, B), undefined, 'no digest of B yet');
    let acknowledged = 0;
    rig.runtime(A).on('acknowledged', () => acknowledged++);

    const info = rig.runtime(A).sendPending([B]);
    assert.ok(info);
    assert.equal(info.rows, 12, 'one changeset: A\'s 7 rows and C\'s 5');
    assert.equal(info.upto[C], 5);
    await rig.run(() => receiptsOnAir(rig).length > 0, 3_600_000);

    // On the wire: one receipt, kind 0x03, naming this transfer's payload, with B's digest.
    const receipts = receiptsOnAir(rig);
    assert.ok(receipts.length >= 1, 'B answered');
    for (const rc of receipts) assert.notEqual(rc[0], RECEIPT_APPLIED, 'never "applied"');
    const rc = receipts[0]!;
    assert.equal(rc[0], RECEIPT_PARTIAL);
    assert.equal(rc[0], 0x03);
    assert.equal(rc.length, 43, '1 + 8-byte payload hash + 34-byte digest summary');
    assert.equal(hex(rc.subarray(1, 9)), info.hash, 'the receipt names the transfer');
    assert.equal(hex(rc.subarray(9)), hex(encodeSummary(summarize(stateDigest(b)))), 'and carries B\'s digest after the apply');

    // The receiver: A's run applied, C's refused and recorded.
    const has = (u: string) => b.records.db.prepare('SELECT 1 FROM person WHERE uuid = ?').get(u) !== undefined;
    assert.ok(fromA.every(has), 'A\'s rows applied at B');
    assert.ok(!fromC.some(has), 'C\'s rows not applied at B');
    const refused = b.records.refused();
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.origin, C);
    assert.equal(refused[0]!.code, 'RS_ERR_STORE_ORIGIN_UNSIGNED');
    assert.equal(b.records.versionVector()[C], undefined);

    // The sender: no cursor moved, B's digest kept, the partial counted, nothing "acknowledged".
    await rig.run(() => false, 60_000); // let the link settle (a repeated final ack must not count twice)
    assert.deepEqual(a.records.peer(B)?.acked ?? {}, cursorBefore, 'A\'s cursor for B did not move');
    assert.equal(acknowledged, 0);
    const counters = a.log.counters();
    assert.equal((counters['sent.partly_refused'] ?? 0) - (countersBefore['sent.partly_refused'] ?? 0), 1);
    const kept = peerDigest(a, B);
    assert.ok(kept, 'A keeps B\'s digest');
    assert.equal(kept.summary, hex(rc.subarray(9)));
    assert.equal(verdictFor(a, B, stateDigest(a)).state, 'differs', 'and so knows B differs');
    assert.equal(rig.runtime(A).sendPending([B])?.rows, 12, 'nothing is believed delivered: the same rows are still pending');
  } finally {
    rig.close();
  }
});
