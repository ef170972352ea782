/**
 * The hash chain's canonical row bytes (docs/protocol.md §3.4) against a reference written from the
 * specification alone, one piece per rule, with no shared code: the store's encoder is tuned for
 * speed (one buffer, a fast key sort), and this keeps it byte-exact. One pinned vector guards
 * against both drifting together.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { CHAIN_ZERO, canonicalRow, chainStep } from '../../src/store/chain.js';
import type { FieldValue, RowChange } from '../../src/changeset/Changeset.js';

const cat = (...p: Array<Uint8Array | number[]>) => Buffer.concat(p.map((x) => Buffer.from(x)));
function uvarint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const str = (s: string) => cat(uvarint(Buffer.byteLength(s)), Buffer.from(s, 'utf8'));
const u64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, v));
  return b;
};
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
function refValue(v: FieldValue): Buffer {
  if (v === null) return cat([0]);
  if (v === false) return cat([1]);
  if (v === true) return cat([2]);
  if (typeof v === 'bigint') return cat([3], str(v.toString()));
  if (typeof v === 'number' && Number.isInteger(v)) return cat([3], str(BigInt(v).toString()));
  if (typeof v === 'number') {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return cat([4], b);
  }
  if (typeof v === 'string') return cat([6], str(v));
  return cat([7], uvarint(v.length), v);
}
function refRow(c: RowChange): Buffer {
  const names = c.kind === 'delete' ? [] : Object.keys(c.fields).sort(utf8Order);
  const ctx = Object.entries(c.ctx ?? {}).filter(([k, s]) => k !== c.origin && s > 0).sort(([a], [b]) => utf8Order(a, b));
  return cat(
    str(c.table), c.id, [c.kind === 'delete' ? 1 : 0], u64(c.hlc),
    uvarint(names.length), ...names.map((k) => cat(str(k), refValue(c.fields[k]!))),
    uvarint(ctx.length), ...ctx.map(([k, s]) => cat(str(k), uvarint(s))),
  );
}

const value = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.constant(-0), fc.constant(2 ** 60),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 300 }),
);
const change = fc.record({
  table: fc.string({ unit: 'binary', minLength: 1 }),
  id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  origin: fc.constantFrom('N0AAA', 'N0BBB'),
  seq: fc.integer({ min: 1, max: 2 ** 40 }),
  hlc: fc.bigInt({ min: 0n, max: 2n ** 63n }),
  kind: fc.constantFrom('upsert' as const, 'delete' as const),
  fields: fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), value, { maxKeys: 12 }),
  ctx: fc.option(fc.dictionary(fc.constantFrom('N0AAA', 'N0BBB', 'K1X', 'W2Y/P', 'É1'), fc.integer({ min: 0, max: 1e9 })), { nil: undefined }),
}) as fc.Arbitrary<RowChange>;

test('chain: canonical row bytes and chain steps equal the reference, for any change (fixed seed)', () => {
  fc.assert(
    fc.property(change, fc.uint8Array({ minLength: 32, maxLength: 32 }), (c, prev) => {
      assert.deepEqual(Buffer.from(canonicalRow(c)), refRow(c));
      const h = createHash('sha256').update(prev).update(str(c.origin)).update(u64(BigInt(c.seq))).update(refRow(c)).digest();
      assert.deepEqual(Buffer.from(chainStep(prev, c)), h);
    }),
    { seed: 31415, numRuns: 3000 },
  );
});

test('chain: a pinned vector (surrogate-pair and accented names sort by UTF-8 bytes)', () => {
  const c: RowChange = {
    table: 'person', id: new Uint8Array(16).fill(7), origin: 'N0AAA', seq: 3, hlc: 123456789n, kind: 'upsert',
    fields: { name: 'Ana', age: 41, lat: 40.5, '\u{1F600}x': true, 'é': null, '\uFFFD': new Uint8Array([1, 2]) },
    ctx: { N0AAA: 2, N0BBB: 5, K1X: 0 },
  };
  assert.deepEqual(Buffer.from(canonicalRow(c)), refRow(c));
  assert.equal(Buffer.from(chainStep(CHAIN_ZERO, c)).toString('hex').slice(0, 16), createHash('sha256').update(CHAIN_ZERO).update(str('N0AAA')).update(u64(3n)).update(refRow(c)).digest('hex').slice(0, 16));
  assert.equal(Buffer.from(chainStep(CHAIN_ZERO, c)).toString('hex'), PINNED);
});

// computed by the encoder before its rewrite for speed (commit 76a43d4), which this one must equal
const PINNED = 'b105128c913c06314fe5551754804d5e59f015029c8fe4f5c85dc71257db7b2f';
