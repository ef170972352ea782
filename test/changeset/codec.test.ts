import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeChangeset, encodeChangeset, encodeChangesetCbor } from '../../src/changeset/codec.js';
import type { Changeset } from '../../src/changeset/Changeset.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { generatePersonRows, personChangeset } from '../../fixtures/gen/personTable.js';
import { changesetArb, repetitiveChangesetArb } from './arbitraries.js';

function roundTrip(cs: Changeset): Changeset {
  return decodeChangeset(encodeChangeset(cs));
}

test('the 2,000-row person changeset round-trips exactly and compresses', () => {
  const cs = personChangeset(generatePersonRows(2000, 7));
  const bytes = encodeChangeset(cs);
  assert.deepStrictEqual(decodeChangeset(bytes), cs);
  assert.ok(bytes.length < encodeChangesetCbor(cs).length, 'deflate shrinks it');
  assert.ok(bytes.length < 2000 * 40, `${bytes.length} bytes`);
});

test('decode(encode(cs)) deep-equals cs for arbitrary changesets', () => {
  fc.assert(
    fc.property(changesetArb, (cs) => {
      assert.deepStrictEqual(roundTrip(cs), cs);
    }),
    { seed: 42, numRuns: 200 },
  );
});

test('decode(encode(cs)) deep-equals cs for repetitive changesets (dictionary/delta/RLE layouts)', () => {
  fc.assert(
    fc.property(repetitiveChangesetArb, (cs) => {
      assert.deepStrictEqual(roundTrip(cs), cs);
    }),
    { seed: 42, numRuns: 200 },
  );
});

test('special numbers survive: -0, NaN, ±Infinity, float32, decimals, beyond 2^53, bigints', () => {
  const values = [-0, 0, NaN, Infinity, -Infinity, 0.1, 0.5, 27.71234, -85.00001, 1e300, 5e-324, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  for (const column of [values, values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 1.5))]) {
    const cs: Changeset = {
      version: 1, from: 'N0CALL', to: [], created: -0, upto: {}, chunks: [],
      changes: column.map((v, i) => ({ table: 't', id: new Uint8Array(16).fill(i), origin: 'N0CALL', seq: i + 1, hlc: BigInt(i), kind: 'upsert' as const, fields: { v, b: BigInt(i) ** 40n * (i % 2 ? -1n : 1n) } })),
    };
    const back = roundTrip(cs);
    assert.deepStrictEqual(back, cs);
    assert.ok(Object.is(back.changes[0]!.fields.v, -0) || column !== values);
    assert.ok(Object.is(back.created, -0));
  }
});

test('byte fields decode as plain Uint8Arrays, and odd keys such as __proto__ stay own properties', () => {
  const fields = JSON.parse('{"__proto__": 5, "constructor": "x"}') as Record<string, number | string>;
  const cs: Changeset = {
    version: 1, from: '__proto__', to: ['__proto__'], created: 1, upto: { ['__proto__']: 3 }, chunks: [{ hash: new Uint8Array(32), data: new Uint8Array([1, 2, 3]) }],
    changes: [{ table: '__proto__', id: new Uint8Array(16), origin: '__proto__', seq: 3, hlc: 1n, kind: 'delete', fields, ctx: JSON.parse('{"__proto__": 2}') }],
  };
  const back = roundTrip(cs);
  assert.deepStrictEqual(back, cs);
  assert.equal(Object.getPrototypeOf(back.changes[0]!.fields), Object.prototype);
  assert.equal(back.chunks[0]!.data.constructor, Uint8Array);
});

test('an empty changeset round-trips and is a few bytes', () => {
  const cs: Changeset = { version: 1, from: 'N0CALL', to: ['EA4XYZ'], created: 1_732_000_000_000, upto: { N0CALL: 12 }, changes: [], chunks: [] };
  const bytes = encodeChangeset(cs);
  assert.deepStrictEqual(decodeChangeset(bytes), cs);
  assert.ok(bytes.length < 40, `${bytes.length} bytes`);
});

test('the encoder rejects changesets that break the model with RS_ERR_CHANGESET_INVALID', () => {
  const good: Changeset = { version: 1, from: 'A', to: [], created: 0, upto: {}, chunks: [], changes: [{ table: 't', id: new Uint8Array(16), origin: 'A', seq: 1, hlc: 1n, kind: 'upsert', fields: { a: 1 } }] };
  const bad: Array<(cs: Changeset) => void> = [
    (cs) => { cs.changes[0]!.seq = 1.5; },
    (cs) => { cs.changes[0]!.seq = -1; },
    (cs) => { cs.changes[0]!.hlc = -1n; },
    (cs) => { cs.changes[0]!.hlc = 2n ** 64n; },
    (cs) => { cs.changes[0]!.fields = { a: '\ud800' }; },
    (cs) => { cs.changes[0]!.fields = { a: undefined as unknown as null }; },
    (cs) => { cs.changes[0]!.fields = { a: {} as unknown as null }; },
    (cs) => { (cs as { version: number }).version = 2; },
    (cs) => { cs.upto = { A: 0.5 }; },
    (cs) => { cs.changes[0]!.kind = 'merge' as 'upsert'; },
  ];
  for (const mutate of bad) {
    const cs = structuredClone(good);
    mutate(cs);
    assert.throws(() => encodeChangeset(cs), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_INVALID'));
  }
});

test('a body deflate cannot shrink is stored as CBOR (header 0x11), never larger than CBOR + 1', () => {
  let x = 12345;
  const noise = new Uint8Array(200).map(() => ((x = (x * 1103515245 + 12345) % 2147483648) >> 16) & 0xff);
  const cs: Changeset = { version: 1, from: 'A', to: [], created: 0, upto: {}, changes: [], chunks: [{ hash: noise.slice(0, 32), data: noise.slice(32) }] };
  const bytes = encodeChangeset(cs);
  assert.equal(bytes[0], 0x11);
  assert.equal(bytes.length, encodeChangesetCbor(cs).length + 1);
  assert.deepStrictEqual(decodeChangeset(bytes), cs);
});

test('tokenised strings keep leading zeros, digit-only and mixed shapes exactly', () => {
  const columns: string[][] = [
    ['+977-9870545185', '+977-0000000001', '+977-9800000000', '+977-0123456789'],
    ['2015-04-25', '2015-05-12', '1999-12-31', '0001-01-01'],
    ['007', '0', '000', '123456789012345'],
    ['SH-0012', 'SH-9', 'SH-0000', 'SH-10'],
  ];
  for (const values of columns) {
    const cs: Changeset = {
      version: 1, from: 'A', to: [], created: 0, upto: {}, chunks: [],
      changes: values.map((v, i) => ({ table: 't', id: new Uint8Array(16).fill(i), origin: 'A', seq: i + 1, hlc: 0n, kind: 'upsert' as const, fields: { v } })),
    };
    assert.deepStrictEqual(roundTrip(cs), cs);
  }
});

test('strings containing every separator candidate still round-trip (raw array form)', () => {
  const values = ['a\nb', 'c\u0000d', 'e\u001ff', 'a\nb', '', 'x'];
  const cs: Changeset = {
    version: 1, from: 'A', to: [], created: 0, upto: {}, chunks: [],
    changes: values.map((v, i) => ({ table: 't', id: new Uint8Array(16).fill(i), origin: 'A', seq: i + 1, hlc: 0n, kind: 'upsert' as const, fields: { v, w: v + '\n' } })),
  };
  assert.deepStrictEqual(roundTrip(cs), cs);
});

test('string columns of any mix (digit-run shapes, repeats, separators) round-trip', () => {
  const str = fc.oneof(
    fc.stringMatching(/^[+a-z]{0,2}[0-9]{1,17}([-:][0-9]{1,3})?$/),
    fc.constantFrom('', '\n', 'x\u0000', '12', '012'),
    fc.string({ unit: 'binary', maxLength: 6 }),
  );
  fc.assert(
    fc.property(fc.array(str, { minLength: 1, maxLength: 40 }), fc.boolean(), (values, repeat) => {
      const vs = repeat ? values.concat(values) : values;
      const cs: Changeset = {
        version: 1, from: 'A', to: [], created: 0, upto: {}, chunks: [],
        changes: vs.map((v, i) => ({ table: 't', id: new Uint8Array(16).fill(i), origin: 'A', seq: i + 1, hlc: 0n, kind: 'upsert' as const, fields: { v } })),
      };
      assert.deepStrictEqual(roundTrip(cs), cs);
    }),
    { seed: 42, numRuns: 300 },
  );
});
