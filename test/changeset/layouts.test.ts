/**
 * The layouts that exist to save bytes on air: delimited lists of phrases (textList.ts), packed
 * version-4 UUIDs (bytesColumn.ts form 3) and the deflate trial of integer layouts
 * (intStream.ts). Each is checked to round-trip, to be chosen where it pays, and to refuse
 * malformed input with a typed error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeChangeset, encodeChangeset } from '../../src/changeset/codec.js';
import type { Changeset, FieldValue } from '../../src/changeset/Changeset.js';
import { encodeStrings, decodeStrings } from '../../src/changeset/textColumn.js';
import { TEXT_LIST, MAX_LIST_PIECES } from '../../src/changeset/textList.js';
import { BYTES_UUID4, encodeBytesColumn, decodeBytesColumn } from '../../src/changeset/bytesColumn.js';
import { INT_DELTA_RLE, INT_FOR, decodeIntStream, encodeIntStream } from '../../src/changeset/intStream.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { Prng } from '../../src/util/prng.js';
import type { Cbor } from '../../src/changeset/tree.js';
import { cborEncoder } from '../../src/changeset/cbor.js';
import { deflateSync } from 'fflate';

function oneColumn(values: FieldValue[]): Changeset {
  return {
    version: 1, from: 'A', to: [], created: 0, upto: {}, chunks: [],
    changes: values.map((v, i) => ({ table: 't', id: Uint8Array.of(i & 0xff, i >> 8), origin: 'A', seq: i + 1, hlc: 0n, kind: 'upsert' as const, fields: { v } })),
  };
}

const PHRASES = ['needs insulin', 'diabetic', 'arrived alone', 'has own tent', 'volunteer', 'lost documents', 'asthma', 'pregnant'];

function notes(n: number, seed: number): string[] {
  const prng = new Prng(seed);
  return Array.from({ length: n }, () => {
    const k = Math.floor(prng.next() * 4);
    return Array.from({ length: k }, () => PHRASES[Math.floor(prng.next() * PHRASES.length)]!).join('; ');
  });
}

function typedCorrupt(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => isRadiosyncError(e) && e.code === 'RS_ERR_CHANGESET_CORRUPT');
}

test('lists of repeated phrases take the list layout, round-trip, and beat the raw text', () => {
  const values = notes(500, 1);
  const enc = encodeStrings(values) as Cbor[];
  assert.equal(enc[0], TEXT_LIST);
  assert.deepStrictEqual(decodeStrings(enc, values.length, 'notes', 1000, () => {}), values);
  const without = encodeStrings(values, false) as Cbor[];
  assert.notEqual(without[0], TEXT_LIST);
  const deflated = (x: Cbor) => deflateSync(cborEncoder.encode(x), { level: 9 }).length;
  assert.ok(deflated(enc) < deflated(without), `list ${deflated(enc)} B against ${deflated(without)} B without`);
  assert.deepStrictEqual(decodeChangeset(encodeChangeset(oneColumn(values))), oneColumn(values));
});

test('list edge cases round-trip: empty strings, empty pieces, a lone delimiter, more pieces than the cap', () => {
  const long = Array.from({ length: MAX_LIST_PIECES + 1 }, () => 'a').join('; ');
  const values = ['', '; ', 'a; ', '; a', 'a; ; b', 'a', 'a; a', 'a; a; a', 'b, c', long, 'a; b', 'a; b'];
  for (const vs of [values, values.slice(0, -3), [...values.slice(0, 9), 'a; b', 'a; b', 'a; b', 'a; b']]) {
    const cs = oneColumn(vs);
    assert.deepStrictEqual(decodeChangeset(encodeChangeset(cs)), cs);
  }
});

test('any strings with delimiters round-trip through the list layout (fixed seed)', () => {
  const piece = fc.constantFrom('a', 'b', 'needs insulin', '', ' ', ';', ',', 'x, y');
  const value = fc.array(piece, { maxLength: 5 }).map((ps) => ps.join('; '));
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 60 }), (values) => {
      const enc = encodeStrings(values);
      assert.deepStrictEqual(decodeStrings(enc, values.length, 'v', 10_000, () => {}), values);
    }),
    { seed: 20261121, numRuns: 300 },
  );
});

test('a malformed list column gives RS_ERR_CHANGESET_CORRUPT', () => {
  const values = notes(100, 2);
  const enc = encodeStrings(values) as Cbor[];
  assert.equal(enc[0], TEXT_LIST);
  const decode = (x: Cbor, m = values.length) => decodeStrings(x, m, 'notes', 1000, () => {});
  typedCorrupt(() => decode([TEXT_LIST, ' | ', enc[2]!, enc[3]!])); // unknown delimiter
  typedCorrupt(() => decode([TEXT_LIST, enc[1]!, enc[2]!])); // missing pieces
  typedCorrupt(() => decode([TEXT_LIST, enc[1]!, encodeIntStream(values.map(() => MAX_LIST_PIECES + 1)), enc[3]!])); // count over the cap
  typedCorrupt(() => decode([TEXT_LIST, enc[1]!, encodeIntStream(values.map(() => 1)), enc[3]!])); // counts disagree with the pieces
  typedCorrupt(() => decode([TEXT_LIST, enc[1]!, enc[2]!, enc])); // a list inside a list
  let spent = 0;
  decodeStrings(enc, values.length, 'notes', 1000, (n) => (spent += n));
  assert.ok(spent > 0, 'pieces are charged to the cell budget');
});

function uuidV4(prng: Prng): Uint8Array {
  const b = Uint8Array.from({ length: 16 }, () => Math.floor(prng.next() * 256));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b;
}

test('version-4 UUIDs are packed to 122 bits each and come back exactly', () => {
  const prng = new Prng(3);
  for (const m of [1, 2, 3, 4, 5, 8, 100, 1001]) {
    const ids = Array.from({ length: m }, () => uuidV4(prng));
    const enc = encodeBytesColumn(ids) as Cbor[];
    assert.equal(enc[0], BYTES_UUID4);
    assert.equal((enc[1] as Uint8Array).length, Math.ceil((122 * m) / 8));
    assert.deepStrictEqual(decodeBytesColumn(enc, m, 'ids', 16), ids);
  }
  // all-zero and all-one random bits
  const edge = [new Uint8Array(16), new Uint8Array(16).fill(0xff)].map((b) => {
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    return b;
  });
  assert.deepStrictEqual(decodeBytesColumn(encodeBytesColumn(edge), 2, 'ids', 16), edge);
});

test('UUIDs that are not all version 4 keep the plain form; a repeated v4 key packs inside its dictionary', () => {
  const prng = new Prng(4);
  const mixed = [uuidV4(prng), uuidV4(prng), new Uint8Array(16).fill(7)];
  const enc = encodeBytesColumn(mixed) as Cbor[];
  assert.notEqual(enc[0], BYTES_UUID4);
  assert.deepStrictEqual(decodeBytesColumn(enc, 3, 'ids', 16), mixed);
  const shelters = Array.from({ length: 5 }, () => uuidV4(prng));
  const fks = Array.from({ length: 200 }, (_, i) => shelters[i % 5]!);
  const d = encodeBytesColumn(fks) as Cbor[];
  assert.equal((d[2] as Cbor[])[0], BYTES_UUID4);
  assert.deepStrictEqual(decodeBytesColumn(d, 200, 'fk', 16), fks);
});

test('a malformed packed-UUID column gives RS_ERR_CHANGESET_CORRUPT', () => {
  const prng = new Prng(5);
  const ids = Array.from({ length: 3 }, () => uuidV4(prng));
  const blob = (encodeBytesColumn(ids) as Cbor[])[1] as Uint8Array;
  typedCorrupt(() => decodeBytesColumn([BYTES_UUID4, blob.slice(0, -1)], 3, 'ids', 16)); // short
  typedCorrupt(() => decodeBytesColumn([BYTES_UUID4, blob], 4, 'ids', 16)); // wrong count
  const padded = blob.slice();
  padded[padded.length - 1] = padded[padded.length - 1]! | 1; // 366 bits in 46 bytes: 2 padding bits
  typedCorrupt(() => decodeBytesColumn([BYTES_UUID4, padded], 3, 'ids', 16));
  typedCorrupt(() => decodeBytesColumn([BYTES_UUID4, blob], 3, 'ids', 8)); // longer than the column allows
});

test('integer layouts are ranked by their deflated size: random 8-digit numbers take byte planes', () => {
  const prng = new Prng(6);
  const phones = Array.from({ length: 1500 }, () => 9_800_000_000 + Math.floor(prng.next() * 100_000_000));
  const enc = encodeIntStream(phones) as Uint8Array;
  assert.equal(enc[0], INT_FOR);
  assert.deepStrictEqual(decodeIntStream(enc, phones.length, 'phones'), phones);
  // short streams keep the exact-size choice (deltas of a slow ramp)
  const ramp = Array.from({ length: 10 }, (_, i) => 1_000_000 + i * 3);
  const r = encodeIntStream(ramp) as Uint8Array;
  assert.deepStrictEqual(decodeIntStream(r, ramp.length, 'ramp'), ramp);
  assert.equal(r[0], INT_DELTA_RLE);
});
