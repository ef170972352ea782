/** One suite every ChunkStore passes (memory and SQLite). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChunkStore } from '../../src/files/ChunkStore.js';
import { toHex } from '../../src/files/chunkHash.js';

const h = (n: number) => Uint8Array.of(n, 1, 2, 3, 4, 5, 6, n);

export function chunkStoreCompliance(name: string, make: () => { store: ChunkStore; reopen?: () => ChunkStore }): void {
  test(`${name}: chunks are stored once, read back, listed and dropped`, () => {
    const { store, reopen } = make();
    const big = new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff);
    store.putMany([{ hash: h(1), data: Uint8Array.of(1, 2) }, { hash: h(2), data: big }, { hash: h(1), data: Uint8Array.of(9) }]);
    store.putMany([]);
    store.putMany([{ hash: h(2), data: Uint8Array.of(0) }, { hash: h(3), data: new Uint8Array(0) }]);
    const q = reopen ? reopen() : store;
    assert.deepEqual(q.get(h(1)), Uint8Array.of(1, 2), 'a chunk already held is kept as it was');
    assert.deepEqual(q.get(h(2)), big);
    assert.deepEqual(q.get(h(3)), new Uint8Array(0));
    assert.equal(q.get(h(4)), undefined);
    assert.deepEqual([1, 2, 3, 4].map((n) => q.has(h(n))), [true, true, true, false]);
    assert.deepEqual(q.hashes().map(toHex).sort(), [h(1), h(2), h(3)].map(toHex).sort());
    q.deleteMany([h(2), h(4)]);
    assert.deepEqual(q.hashes().map(toHex).sort(), [h(1), h(3)].map(toHex).sort());
    assert.equal(q.has(h(2)), false);
    q.close();
  });

  test(`${name}: stored and returned bytes are copies`, () => {
    const { store } = make();
    const data = Uint8Array.of(5, 6, 7);
    store.putMany([{ hash: h(1), data: data.subarray(1) }]);
    data[1] = 0;
    const got = store.get(h(1))!;
    assert.deepEqual(got, Uint8Array.of(6, 7));
    got[0] = 0;
    assert.deepEqual(store.get(h(1)), Uint8Array.of(6, 7));
    store.close();
  });
}
