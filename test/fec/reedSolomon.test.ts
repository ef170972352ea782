import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReedSolomonCodec, RS_MAX_SHARDS, loadReedSolomonWasm, reedSolomonCodec } from '../../src/fec/ReedSolomonCodec.js';
import { erasureCodecCompliance } from './erasureCodecCompliance.js';

erasureCodecCompliance('ReedSolomonCodec', () => new ReedSolomonCodec());

test('the WASM module is loaded once and shared', () => {
  assert.equal(loadReedSolomonWasm(), loadReedSolomonWasm());
  assert.equal(reedSolomonCodec(), reedSolomonCodec());
});

test('the full 256-shard block works: k=64 rebuilt from the last 64 parity shards', () => {
  const codec = new ReedSolomonCodec();
  const k = 64;
  const s = 4;
  const data = new Uint8Array(k * s).map((_, i) => (i * 101) & 0xff);
  const m = RS_MAX_SHARDS - k;
  const parity = codec.encodeParity(data, k, s, m - k, k);
  const r = codec.reconstruct(k, s, parity.map((d, j) => ({ index: k + m - k + j, data: d })));
  assert.ok(r.ok);
  assert.deepEqual(r.data, data);
});

test('regression: 2,000 reconstructs in a row stay correct (the library corrupts a long-lived instance)', () => {
  const codec = new ReedSolomonCodec();
  let seed = 1;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let t = 0; t < 2000; t++) {
    const k = 1 + rand(20);
    const m = 1 + rand(6);
    const s = 1 + rand(24);
    const data = new Uint8Array(k * s).map((_, i) => (i * 31 + t) & 0xff);
    const parity = codec.encodeParity(data, k, s, 0, m);
    const lost = rand(k);
    const shards = [];
    for (let i = 0; i < k; i++) if (i !== lost) shards.push({ index: i, data: data.slice(i * s, (i + 1) * s) });
    shards.push({ index: k + rand(m), data: new Uint8Array(0) });
    const j = rand(m);
    shards.push({ index: k + j, data: parity[j]! });
    const r = codec.reconstruct(k, s, shards);
    assert.ok(r.ok, `trial ${t}`);
    assert.deepEqual(r.data, data, `trial ${t}`);
  }
});
