import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Encoder } from 'cbor-x';
import { deflateSync } from 'fflate';
import { decodeChangeset, encodeChangeset, encodeChangesetCbor } from '../../src/changeset/codec.js';
import { INFLATE_MIN_STEP_BYTES, MAX_DEFLATE_EXPANSION } from '../../src/changeset/compress.js';
import { DEFAULT_MAX_INFLATED_BYTES } from '../../src/changeset/limits.js';
import type { Changeset, FieldValue } from '../../src/changeset/Changeset.js';
import { isRadiosyncError, RadiosyncError } from '../../src/errors/RadiosyncError.js';
import { changesetToTree } from '../../src/changeset/encodeTree.js';
import { changesetArb } from './arbitraries.js';

const DECODE_CODES = new Set(['RS_ERR_CHANGESET_CORRUPT', 'RS_ERR_CHANGESET_VERSION', 'RS_ERR_CHANGESET_TOO_LARGE']);

/** Decoding either succeeds or throws a RadiosyncError with a decode code: nothing else. */
function decodeOrTypedError(bytes: Uint8Array): Changeset | RadiosyncError {
  try {
    return decodeChangeset(bytes);
  } catch (e) {
    assert.ok(e instanceof RadiosyncError, `not a RadiosyncError: ${String(e)}`);
    assert.ok(DECODE_CODES.has(e.code), e.code);
    return e;
  }
}

function header(version: number, method: number): number {
  return (version << 4) | method;
}

const sample: Changeset = {
  version: 1, from: 'N0CALL', to: ['EA4XYZ-7'], created: 1_732_000_000_000, upto: { N0CALL: 40 }, chunks: [{ hash: new Uint8Array(32).fill(9), data: new TextEncoder().encode('hello radio') }],
  changes: Array.from({ length: 40 }, (_, i) => ({
    table: i % 3 ? 'person' : '@files', id: new Uint8Array(16).fill(i), origin: 'N0CALL', seq: i + 1, hlc: BigInt(1_732_000_000_000 + i) << 16n,
    kind: i % 7 === 0 ? ('delete' as const) : ('upsert' as const),
    fields: (i % 7 === 0 ? {} : { name: `n${i % 5}`, age: i, lat: 27.7 + i / 1000, note: i % 2 ? null : 'x', b: i % 4 === 0 }) as Record<string, FieldValue>,
    ...(i % 7 === 0 ? { ctx: { N0CALL: i } } : {}),
  })),
};
const sampleBytes = encodeChangeset(sample);

test('unknown format versions and body encodings give RS_ERR_CHANGESET_VERSION', () => {
  for (const h of [header(0, 0), header(3, 0), header(15, 1), header(1, 2), header(1, 15), header(2, 2)]) {
    const bytes = sampleBytes.slice();
    bytes[0] = h;
    assert.throws(() => decodeChangeset(bytes), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_VERSION'));
  }
});

test('a decompression bomb stops at the inflate cap with RS_ERR_CHANGESET_TOO_LARGE', () => {
  const cap = 1 << 20;
  const bomb = new Uint8Array([header(1, 0), ...deflateSync(new Uint8Array(8 * cap), { level: 1 })]);
  assert.ok(bomb.length < cap / 50);
  assert.throws(
    () => decodeChangeset(bomb, { maxInflatedBytes: cap }),
    (e: unknown) => {
      assert.ok(isRadiosyncError(e, 'RS_ERR_CHANGESET_TOO_LARGE'));
      assert.equal(e.data.limit, 'maxInflatedBytes');
      // Stopped within one inflate step of the cap, long before the bomb's 8 MiB.
      assert.ok((e.data.actual as number) <= cap + INFLATE_MIN_STEP_BYTES * MAX_DEFLATE_EXPANSION, String(e.data.actual));
      return true;
    },
  );
});

test('the default inflate cap applies, and stored bodies are capped too', () => {
  const bomb = new Uint8Array([header(1, 0), ...deflateSync(new Uint8Array(DEFAULT_MAX_INFLATED_BYTES + 1), { level: 1 })]);
  assert.throws(() => decodeChangeset(bomb), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_TOO_LARGE'));
  const stored = new Uint8Array([header(1, 1), ...encodeChangesetCbor(sample)]);
  assert.deepStrictEqual(decodeChangeset(stored), sample);
  assert.throws(() => decodeChangeset(stored, { maxInflatedBytes: 100 }), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_TOO_LARGE'));
});

test('row, column, cell, table, station, string and chunk limits give RS_ERR_CHANGESET_TOO_LARGE naming the limit', () => {
  const cases: Array<[string, number]> = [
    ['maxRows', 39], ['maxColumns', 4], ['maxCells', 100], ['maxTables', 1], ['maxStations', 1], ['maxStringLength', 5], ['maxChunks', 0],
  ];
  const big: Changeset = structuredClone(sample);
  big.changes[1]!.fields.note = 'a longer note';
  const bytes = encodeChangeset(big);
  assert.deepStrictEqual(decodeChangeset(bytes), big);
  for (const [limit, max] of cases) {
    assert.throws(
      () => decodeChangeset(bytes, { [limit]: max }),
      (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_TOO_LARGE') && e.data.limit === limit,
      limit,
    );
  }
});

test('random bytes never throw anything but a typed decode error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(0x10, 0x11, -1), (bytes, h) => {
      const input = h < 0 ? bytes : new Uint8Array([h, ...bytes]);
      const r = decodeOrTypedError(input);
      assert.ok(r instanceof RadiosyncError || r.version === 1);
    }),
    { seed: 42, numRuns: 1000 },
  );
});

test('bit-flipped and truncated encodings never throw anything but a typed decode error', () => {
  fc.assert(
    fc.property(changesetArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.nat(), (cs, flips, cut) => {
      const bytes = encodeChangeset(cs);
      const flipped = bytes.slice();
      for (const f of flips) flipped[f % flipped.length]! ^= 1 << (f % 8);
      decodeOrTypedError(flipped);
      const truncated = bytes.subarray(0, cut % bytes.length);
      const r = decodeOrTypedError(truncated);
      assert.ok(r instanceof RadiosyncError, 'a strict prefix never decodes');
    }),
    { seed: 42, numRuns: 150 },
  );
});

/** Replace one node of a CBOR tree (chosen by `pick`) with `value`. */
function mutateTree(tree: unknown, pick: number, value: unknown): unknown {
  const nodes: Array<[unknown[], number]> = [];
  (function walk(x: unknown) {
    if (Array.isArray(x)) x.forEach((c, i) => (nodes.push([x, i]), walk(c)));
  })(tree);
  if (nodes.length === 0) return value;
  const [parent, i] = nodes[pick % nodes.length]!;
  parent[i] = value;
  return tree;
}

test('structurally mutated CBOR trees (valid deflate, wrong schema) give typed errors only', () => {
  const enc = new Encoder({ useRecords: false, tagUint8Array: false });
  const junk = fc.oneof(
    fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.boolean(), fc.uint8Array({ maxLength: 12 }),
    fc.constant([]), fc.array(fc.integer({ min: -2, max: 300 }), { maxLength: 5 }), fc.constant({ a: 1 }), fc.bigInt(),
    fc.constant(2 ** 40), fc.constant(-0), fc.constant(new Uint8Array([4, 0, 7])), fc.constant(new Uint8Array([2, 1, 0xff, 0xff, 0xff, 0x7f])),
  );
  fc.assert(
    fc.property(changesetArb, fc.nat(), junk, (cs, pick, value) => {
      const tree = mutateTree(changesetToTree(cs), pick, value);
      const body = deflateSync(enc.encode(tree));
      decodeOrTypedError(new Uint8Array([header(1, 0), ...body]));
    }),
    { seed: 42, numRuns: 250 },
  );
});

test('a run-length stream that claims more rows than the limit is refused before allocating', () => {
  const tree = changesetToTree(sample) as unknown[];
  tree[5] = 100_000_000;
  const bytes = new Uint8Array([header(1, 1), ...new Encoder({ useRecords: false, tagUint8Array: false }).encode(tree)]);
  assert.throws(() => decodeChangeset(bytes), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_TOO_LARGE') && e.data.limit === 'maxRows');
});

test('limits given as undefined keep their defaults', () => {
  const bytes = encodeChangeset(sample);
  assert.deepStrictEqual(decodeChangeset(bytes, { maxRows: undefined, maxInflatedBytes: undefined }), sample);
  assert.throws(() => decodeChangeset(bytes, { maxRows: undefined, maxColumns: 1 }), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CHANGESET_TOO_LARGE'));
});
