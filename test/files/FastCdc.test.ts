import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chunkBytes, FastCdc, GEAR } from '../../src/files/FastCdc.js';
import { CDC_AVG_CHUNK, CDC_MAX_CHUNK, CDC_MIN_CHUNK } from '../../src/files/limits.js';
import { hashChunk, toHex } from '../../src/files/chunkHash.js';
import { bytes } from './helpers.js';

test('chunks cover the input exactly and respect min/max', () => {
  const data = bytes(300_000, 7);
  const chunks = chunkBytes(data);
  assert.equal(chunks.reduce((s, c) => s + c.length, 0), data.length);
  chunks.slice(0, -1).forEach((c) => {
    assert.ok(c.length >= CDC_MIN_CHUNK && c.length <= CDC_MAX_CHUNK, `chunk of ${c.length}`);
  });
  const avg = data.length / chunks.length;
  assert.ok(avg > CDC_AVG_CHUNK * 0.75 && avg < CDC_AVG_CHUNK * 1.5, `average ${avg}`);
});

test('streaming in arbitrary pieces cuts exactly like one buffer (property, fixed seed)', () => {
  const data = bytes(120_000, 3);
  const whole = chunkBytes(data).map((c) => toHex(hashChunk(c)));
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 30 }), (sizes) => {
      const cdc = new FastCdc();
      const out: Uint8Array[] = [];
      let off = 0;
      for (let i = 0; off < data.length; i++) {
        const n = sizes[i % sizes.length]!;
        out.push(...cdc.push(data.subarray(off, off + n)));
        off += n;
      }
      out.push(...cdc.finish());
      assert.deepEqual(out.map((c) => toHex(hashChunk(c))), whole);
    }),
    { seed: 42, numRuns: 50 },
  );
});

test('an insertion in the middle changes only the chunks around it', () => {
  const data = bytes(1_000_000, 11);
  const edited = new Uint8Array(data.length + 1000);
  edited.set(data.subarray(0, 500_000), 0);
  edited.set(bytes(1000, 99), 500_000);
  edited.set(data.subarray(500_000), 501_000);
  const a = new Set(chunkBytes(data).map((c) => toHex(hashChunk(c))));
  const b = chunkBytes(edited).map((c) => toHex(hashChunk(c)));
  const fresh = b.filter((h) => !a.has(h));
  assert.ok(fresh.length >= 1 && fresh.length <= 3, `${fresh.length} new chunks`);
});

test('empty and tiny inputs', () => {
  assert.deepEqual(chunkBytes(new Uint8Array(0)), []);
  const tiny = chunkBytes(new Uint8Array([1, 2, 3]));
  assert.equal(tiny.length, 1);
  assert.deepEqual([...tiny[0]!], [1, 2, 3]);
});

test('rejects inconsistent sizes', () => {
  assert.throws(() => new FastCdc({ avg: 3000 }), RangeError);
  assert.throws(() => new FastCdc({ min: 8192, avg: 4096 }), RangeError);
});

test('golden cut points: the gear table and chunk boundaries are part of the wire format', () => {
  // Changing the chunker changes every chunk id. If this fails, the change is a protocol change.
  assert.equal(GEAR[0], -1570902869);
  assert.equal(GEAR[255], 2127170637);
  const chunks = chunkBytes(bytes(50_000, 1));
  assert.deepEqual(
    chunks.map((c) => c.length),
    [2262, 2482, 847, 686, 3235, 2517, 691, 2188, 2061, 2345, 2367, 2353, 2920, 1269, 2261, 2161, 2505, 2999, 2619, 2465, 2453, 2642, 1672],
  );
  assert.equal(toHex(hashChunk(chunks[0]!)), '4f7ed6920954cb889df7d4c6d34d3166');
});
