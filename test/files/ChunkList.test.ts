import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChunkTree, expandChunkList, packList, unpackList, listSize, type ChunkRef } from '../../src/files/ChunkList.js';
import { hashChunk, toHex } from '../../src/files/chunkHash.js';
import { CHUNK_LIST_INLINE_MAX } from '../../src/files/limits.js';
import { bytes } from './helpers.js';

function refs(n: number, seed: number): ChunkRef[] {
  return Array.from({ length: n }, (_, i) => ({ hash: hashChunk(bytes(8, seed * 100000 + i + 1)), length: 1000 + (i % 300) }));
}

test('pack/unpack round trip, with multi-byte lengths', () => {
  const r = [{ hash: new Uint8Array(16).fill(1), length: 0 }, { hash: new Uint8Array(16).fill(2), length: 300_000_000 }];
  const p = packList(0, r);
  assert.deepEqual(unpackList(p), { level: 0, records: r });
  assert.deepEqual([...packList(0, [])], [0]);
});

test('malformed lists are data, not exceptions', () => {
  assert.equal(unpackList(new Uint8Array(0)), undefined);
  assert.equal(unpackList(new Uint8Array([9])), undefined);
  assert.equal(unpackList(new Uint8Array([0, 1, 2])), undefined);
  const p = packList(0, [{ hash: new Uint8Array(16), length: 200 }]);
  assert.equal(unpackList(p.subarray(0, p.length - 1)), undefined);
  const ex = expandChunkList(new Uint8Array([0, 5]), () => undefined);
  assert.equal(ex.ok, false);
  assert.equal(!ex.ok && ex.error?.code, 'RS_ERR_FILES_BAD_CHUNK_LIST');
});

test('short lists stay inline; long lists become a tree that expands back', () => {
  const small = buildChunkTree(refs(CHUNK_LIST_INLINE_MAX, 1));
  assert.equal(small.lists.length, 0);
  assert.equal(unpackList(small.root)!.level, 0);
  const leaves = refs(2000, 2);
  const tree = buildChunkTree(leaves);
  assert.ok(tree.lists.length > 0);
  assert.ok(unpackList(tree.root)!.records.length <= CHUNK_LIST_INLINE_MAX);
  const store = new Map(tree.lists.map((c) => [toHex(c.hash), c.data]));
  const ex = expandChunkList(tree.root, (h) => store.get(toHex(h)));
  assert.ok(ex.ok);
  assert.deepEqual(ex.ok && ex.leaves.map((r) => toHex(r.hash)), leaves.map((r) => toHex(r.hash)));
  assert.equal(listSize(tree.root), leaves.reduce((s, r) => s + r.length, 0));
});

test('missing list chunks are reported; a tampered list chunk is rejected', () => {
  const tree = buildChunkTree(refs(500, 3));
  const ex = expandChunkList(tree.root, () => undefined);
  assert.ok(!ex.ok && ex.missing.length > 0);
  const first = tree.lists[0]!;
  const bad = expandChunkList(tree.root, (h) => {
    const c = tree.lists.find((l) => toHex(l.hash) === toHex(h));
    if (c === first) return new Uint8Array([0]);
    return c?.data;
  });
  assert.ok(!bad.ok && bad.error?.code === 'RS_ERR_FILES_BAD_CHUNK_LIST');
});

test('one changed leaf changes only a few list chunks', () => {
  const leaves = refs(300, 4);
  const a = buildChunkTree(leaves);
  const b = buildChunkTree(leaves.map((r, i) => (i === 150 ? { hash: hashChunk(new Uint8Array([1])), length: r.length } : r)));
  const old = new Set(a.lists.map((c) => toHex(c.hash)));
  const fresh = b.lists.filter((c) => !old.has(toHex(c.hash)));
  assert.ok(fresh.length >= 1 && fresh.length <= 2, `${fresh.length}`);
});
