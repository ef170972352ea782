/** One suite every ErasureCodec implementation passes (run from *.test.ts files). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ErasureCodec, Shard } from '../../src/fec/ErasureCodec.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

function allShards(codec: ErasureCodec, data: Uint8Array, k: number, s: number, m: number): Shard[] {
  const shards: Shard[] = [];
  for (let i = 0; i < k; i++) shards.push({ index: i, data: data.slice(i * s, (i + 1) * s) });
  codec.encodeParity(data, k, s, 0, m).forEach((p, j) => shards.push({ index: k + j, data: p }));
  return shards;
}

export function erasureCodecCompliance(name: string, make: () => ErasureCodec): void {
  test(`${name}: any k of n shards rebuild the block; fewer give RS_ERR_FEC_UNRECOVERABLE`, () => {
    const codec = make();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer(),
        fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }),
        (k, m, s, seed, keepMask) => {
          const data = new Uint8Array(k * s).map((_, i) => (i * 31 + seed) & 0xff);
          const shards = allShards(codec, data, k, s, m);
          const kept = shards.filter((_, i) => keepMask[i % keepMask.length]);
          const r = codec.reconstruct(k, s, kept);
          if (kept.length >= k) {
            assert.ok(r.ok, 'reconstruct must succeed with ≥ k shards');
            assert.deepEqual(r.data, data);
          } else {
            assert.ok(!r.ok);
            assert.ok(isRadiosyncError(r.error, 'RS_ERR_FEC_UNRECOVERABLE'));
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  test(`${name}: parity shard j is the same however many parity shards were asked for`, () => {
    const codec = make();
    for (const k of [1, 7, 32, 64]) {
      const s = 16;
      const data = new Uint8Array(k * s).map((_, i) => (i * 7 + k) & 0xff);
      const few = codec.encodeParity(data, k, s, 0, 4);
      const many = codec.encodeParity(data, k, s, 0, Math.min(200, codec.maxShards - k));
      for (let j = 0; j < 4; j++) assert.deepEqual(few[j], many[j]);
      const late = codec.encodeParity(data, k, s, 10, 3);
      assert.deepEqual(late, many.slice(10, 13));
    }
  });

  test(`${name}: one new parity shard repairs different losses at different receivers`, () => {
    const codec = make();
    const k = 8;
    const s = 10;
    const data = new Uint8Array(k * s).map((_, i) => (i * 13) & 0xff);
    const shards = allShards(codec, data, k, s, 2);
    const repair = codec.encodeParity(data, k, s, 2, 1).map((d) => ({ index: k + 2, data: d }));
    for (const lost of [0, 3, 7, 8, 9]) {
      const have = shards.filter((sh) => sh.index !== lost).slice(0, k - 1);
      assert.equal(codec.reconstruct(k, s, have).ok, false);
      const r = codec.reconstruct(k, s, [...have, ...repair]);
      assert.ok(r.ok);
      assert.deepEqual(r.data, data);
    }
  });

  test(`${name}: duplicates and wrong-size shards are ignored, never fatal`, () => {
    const codec = make();
    const k = 4;
    const s = 8;
    const data = new Uint8Array(k * s).map((_, i) => i);
    const sh = allShards(codec, data, k, s, 2);
    const dup = [sh[0]!, sh[0]!, sh[0]!, sh[5]!, { index: 2, data: new Uint8Array(3) }];
    const r = codec.reconstruct(k, s, dup);
    assert.ok(!r.ok);
    assert.ok(isRadiosyncError(r.error, 'RS_ERR_FEC_UNRECOVERABLE'));
  });

  test(`${name}: geometry outside GF(2^8) limits is a typed error`, () => {
    const codec = make();
    assert.throws(() => codec.encodeParity(new Uint8Array(10), 10, 1, 240, 10), (e) => isRadiosyncError(e, 'RS_ERR_FEC_GEOMETRY'));
    assert.throws(() => codec.encodeParity(new Uint8Array(9), 10, 1, 0, 1), (e) => isRadiosyncError(e, 'RS_ERR_FEC_GEOMETRY'));
    assert.throws(() => codec.reconstruct(0, 1, []), (e) => isRadiosyncError(e, 'RS_ERR_FEC_GEOMETRY'));
  });
}
