import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeIntStream, encodeIntStream, INT_DELTA, INT_DELTA_RLE, INT_FOR, INT_PLAIN, INT_RLE } from '../../src/changeset/intStream.js';
import { ByteWriter } from '../../src/changeset/ByteWriter.js';
import { ByteReader } from '../../src/changeset/ByteReader.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const MAX = Number.MAX_SAFE_INTEGER;

test('svarint/uvarint round-trip at the edges of the safe range', () => {
  const values = [0, 1, -1, 63, -63, 64, -64, 127, 128, 2 ** 31, -(2 ** 31), 2 ** 52, MAX, -MAX];
  const w = new ByteWriter(4);
  for (const v of values) w.svarint(v);
  for (const v of values.filter((x) => x >= 0)) w.uvarint(v);
  const r = new ByteReader(w.finish());
  for (const v of values) assert.equal(r.svarint(), v);
  for (const v of values.filter((x) => x >= 0)) assert.equal(r.uvarint(), v);
  r.end();
});

test('integer streams round-trip for any safe integers, in every layout the encoder picks', () => {
  const shapes = fc.oneof(
    fc.array(fc.oneof(fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: -3, max: 3 })), { maxLength: 60 }),
    fc.tuple(fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: 0, max: 60 })).map(([v, n]) => Array<number>(n).fill(v)),
    fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: -5, max: 5 })).map(([s, n, d]) => Array.from({ length: n }, (_, i) => s + i * d)),
    fc.array(fc.tuple(fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: 1, max: 20 })), { maxLength: 5 }).map((runs) => runs.flatMap(([v, k]) => Array<number>(k).fill(v))),
    fc.tuple(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 60 })).map(([b, xs]) => xs.map((x) => b + x)),
  );
  const seen = new Set<number>();
  fc.assert(
    fc.property(shapes, (values) => {
      const s = encodeIntStream(values);
      if (s instanceof Uint8Array) seen.add(s[0]!);
      assert.deepStrictEqual(decodeIntStream(s, values.length, 'test'), values);
    }),
    { seed: 42, numRuns: 600 },
  );
  for (const kind of [INT_PLAIN, INT_DELTA, INT_RLE, INT_DELTA_RLE, INT_FOR]) assert.ok(seen.has(kind), `layout ${kind} exercised`);
});

test('malformed streams give RS_ERR_CHANGESET_CORRUPT', () => {
  const bad: Array<[unknown, number]> = [
    [new Uint8Array([9]), 1], // unknown layout
    [new Uint8Array([INT_PLAIN, 0x80]), 1], // truncated svarint
    [new Uint8Array([INT_PLAIN, 0x02, 0x02]), 1], // trailing bytes
    [new Uint8Array([INT_RLE, 0x02, 0x05]), 3], // run longer than the stream
    [new Uint8Array([INT_RLE, 0x02, 0x00]), 1], // zero run
    [new Uint8Array([INT_FOR, 0x00, 0x08]), 1], // width 8
    [new Uint8Array([INT_PLAIN, 0x01]), 1], // negative zero
    [new Uint8Array([INT_PLAIN, 0x81, 0x00]), 1], // overlong
    [new Uint8Array([INT_DELTA_RLE, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x02]), 2], // sum overflows 2^53
    [-0, 1],
    [1.5, 1],
    ['x', 1],
  ];
  for (const [x, n] of bad) {
    assert.throws(() => decodeIntStream(x, n, 'test'), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_CORRUPT'), String(x));
  }
  assert.throws(() => decodeIntStream(5, 2, 'test', 0, 4), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_CORRUPT'));
});
