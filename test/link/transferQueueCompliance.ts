/** One suite every TransferQueue passes (memory and SQLite). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSource, readAll } from '../../src/link/PayloadSource.js';
import { MAX_COMPLETED_MEMORY, MAX_INBOUND_TRANSFERS, bitmapSet, type TransferQueue } from '../../src/link/TransferQueue.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const hash = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);

export function transferQueueCompliance(name: string, make: () => { queue: TransferQueue; reopen?: () => TransferQueue }): void {
  test(`${name}: outbound transfers keep payload, destinations, progress and next shard indices`, () => {
    const { queue, reopen } = make();
    const payload = new Uint8Array(200_000).map((_, i) => (i * 13) & 0xff);
    const rec = queue.addOutbound({ to: ['B1', 'B2'], priority: 3, expiresAt: 99, createdAt: 5, size: payload.length, shardSize: 250, k: 64, hash }, bytesSource(payload));
    const rec2 = queue.addOutbound({ to: ['B1'], priority: 0, expiresAt: null, createdAt: 6, size: 10, shardSize: 250, k: 1, hash }, bytesSource(new Uint8Array(10)));
    assert.notEqual(rec.id, rec2.id);
    const p = rec.receivers[1]!;
    bitmapSet(p.completeBlocks, 3);
    queue.updateReceiver(rec.id, { ...p, known: true, receipt: Uint8Array.of(9) });
    queue.saveNextShard(rec.id, new Map([[0, 70], [3, 12]]));
    const q = reopen ? reopen() : queue;
    const list = q.listOutbound();
    assert.equal(list.length, 2);
    const got = list.find((r) => r.id === rec.id)!;
    assert.deepEqual(got.to, ['B1', 'B2']);
    assert.equal(got.priority, 3);
    assert.equal(got.expiresAt, 99);
    assert.deepEqual(got.hash, hash);
    assert.deepEqual([...got.nextShard], [[0, 70], [3, 12]]);
    assert.equal(got.receivers[1]!.known, true);
    assert.deepEqual(got.receivers[1]!.receipt, Uint8Array.of(9));
    assert.equal(got.receivers[1]!.completeBlocks[0], 8);
    assert.equal(got.receivers[0]!.completeBlocks[0], 0);
    const src = q.outboundPayload(rec.id);
    assert.equal(src.size, payload.length);
    assert.deepEqual(src.read(65_000, 70_000), payload.subarray(65_000, 135_000));
    assert.deepEqual(readAll(src), payload);
    q.removeOutbound(rec.id);
    assert.deepEqual(q.listOutbound().map((r) => r.id), [rec2.id]);
    q.close();
  });

  test(`${name}: inbound partial state keeps descriptor and reassembled blocks; payload reads across blocks`, () => {
    const { queue, reopen } = make();
    queue.putInbound({ from: 'A1', id: 7, updatedAt: 1 });
    queue.putInbound({ from: 'A1', id: 7, size: 25, shardSize: 5, k: 2, hash, receivers: ['X', 'Y'], updatedAt: 2 });
    const blocks = [Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), Uint8Array.of(10, 11, 12, 13, 14, 15, 16, 17, 18, 19), Uint8Array.of(20, 21, 22, 23, 24, 0, 0, 0, 0, 0)];
    queue.putInboundBlock('A1', 7, 2, blocks[2]!);
    queue.putInboundBlock('A1', 7, 0, blocks[0]!);
    const q = reopen ? reopen() : queue;
    assert.deepEqual(q.getInbound('A1', 7), { from: 'A1', id: 7, size: 25, shardSize: 5, k: 2, hash, receivers: ['X', 'Y'], updatedAt: 2 });
    assert.deepEqual([...q.inboundBlocks('A1', 7)].sort(), [0, 2]);
    q.putInboundBlock('A1', 7, 1, blocks[1]!);
    assert.deepEqual(readAll(q.inboundPayload('A1', 7)), new Uint8Array(25).map((_, i) => i));
    assert.deepEqual(q.inboundPayload('A1', 7).read(8, 5), Uint8Array.of(8, 9, 10, 11, 12));
    q.removeInbound('A1', 7);
    assert.equal(q.getInbound('A1', 7), undefined);
    assert.equal(q.inboundBlocks('A1', 7).size, 0);
    q.close();
  });

  test(`${name}: bounds — inbound evicts the least recently active, completed memory is capped`, () => {
    const { queue } = make();
    for (let i = 0; i < MAX_INBOUND_TRANSFERS + 5; i++) queue.putInbound({ from: 'A', id: i, updatedAt: i });
    const ids = queue.listInbound().map((r) => r.id);
    assert.equal(ids.length, MAX_INBOUND_TRANSFERS);
    assert.ok(!ids.includes(0) && ids.includes(MAX_INBOUND_TRANSFERS + 4));
    for (let i = 0; i < MAX_COMPLETED_MEMORY + 10; i++) queue.putCompleted({ from: 'A', id: i, hash, completedAt: i, ...(i % 2 ? { receipt: Uint8Array.of(i & 0xff) } : {}) });
    assert.equal(queue.getCompleted('A', 0), undefined);
    assert.deepEqual(queue.getCompleted('A', MAX_COMPLETED_MEMORY + 9)?.receipt, Uint8Array.of((MAX_COMPLETED_MEMORY + 9) & 0xff));
    queue.close();
  });

  test(`${name}: reading a missing outbound payload is a typed error`, () => {
    const { queue } = make();
    assert.throws(() => queue.outboundPayload(12345), (e) => isRadiosyncError(e, 'RS_ERR_LINK_BAD_ARGUMENT'));
    queue.close();
  });
}
