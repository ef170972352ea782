/** fast-check arbitraries for changesets, shared by the changeset tests. */
import fc from 'fast-check';
import { MAX_HLC, MAX_SEQ, type Changeset, type Chunk, type FieldValue, type RowChange, type VersionVector } from '../../src/changeset/Changeset.js';

const STATIONS = ['N0CALL', 'EA4XYZ-7', 'VK2ABC-15', 'K1ABC'];
const TABLES = ['person', 'shelter', '@files', 'request'];
const COLUMNS = ['name', 'age', 'lat', 'status', 'note', 'blob', 'big', 'flag'];

/** Any well-formed string: full Unicode code points (no lone surrogates), some ASCII. */
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 8 }), fc.constantFrom('', 'a', 'sheltered'));

export const fieldValueArb: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, 0.1, 27.71234, 85.3, 1e300, 2 ** 53, -(2 ** 60), 0.5, 5e-324),
  fc.float({ noDefaultInfinity: false }).map((f) => f),
  fc.integer({ min: -10_000_000, max: 10_000_000 }).map((m) => m / 100_000),
  fc.bigInt(),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  text,
  fc.uint8Array({ maxLength: 20 }),
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
);

const station = fc.oneof(fc.constantFrom(...STATIONS), text);
const vvArb: fc.Arbitrary<VersionVector> = fc.dictionary(station, fc.oneof(fc.nat(), fc.constant(MAX_SEQ)), { maxKeys: 4, noNullPrototype: true });

const rowArb: fc.Arbitrary<RowChange> = fc.record(
  {
    table: fc.oneof(fc.constantFrom(...TABLES), text),
    id: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 20 })),
    origin: station,
    seq: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(MAX_SEQ)),
    hlc: fc.oneof(fc.bigInt({ min: 0n, max: MAX_HLC }), fc.nat({ max: 5 }).map((c) => (1_700_000_000_000n << 16n) | BigInt(c))),
    kind: fc.constantFrom('upsert', 'delete'),
    fields: fc.dictionary(fc.oneof(fc.constantFrom(...COLUMNS), text), fieldValueArb, { maxKeys: 6, noNullPrototype: true }),
    ctx: vvArb,
  },
  { requiredKeys: ['table', 'id', 'origin', 'seq', 'hlc', 'kind', 'fields'], noNullPrototype: true },
) as fc.Arbitrary<RowChange>;

const chunkArb: fc.Arbitrary<Chunk> = fc.record({
  hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  data: fc.uint8Array({ maxLength: 300 }),
}, { noNullPrototype: true });

export const changesetArb: fc.Arbitrary<Changeset> = fc.record({
  version: fc.constant(1 as const),
  from: station,
  to: fc.array(station, { maxLength: 3 }),
  created: fc.oneof(fc.nat(), fc.double(), fc.constant(1_732_000_000_000)),
  upto: vvArb,
  changes: fc.array(rowArb, { maxLength: 25 }),
  chunks: fc.array(chunkArb, { maxLength: 3 }),
  signed: fc.boolean(),
  sigSeed: fc.nat({ max: 255 }),
}, { noNullPrototype: true }).map(({ signed, sigSeed, ...cs }): Changeset => {
  if (!signed) return cs;
  // Format 2: one 64-byte origin signature per origin with rows (any bytes: the codec only carries them).
  const sigs: Record<string, Uint8Array> = {};
  for (const c of cs.changes) Object.defineProperty(sigs, c.origin, { value: new Uint8Array(64).fill(sigSeed), enumerable: true, writable: true, configurable: true });
  return { ...cs, sigs };
});

/** Changesets whose columns repeat values, so dictionary, delta and run-length layouts are used. */
export const repetitiveChangesetArb: fc.Arbitrary<Changeset> = fc
  .record({
    values: fc.array(fieldValueArb, { minLength: 1, maxLength: 4 }),
    n: fc.integer({ min: 1, max: 120 }),
    seed: fc.nat(),
    origins: fc.array(fc.constantFrom(...STATIONS), { minLength: 1, maxLength: 3 }),
  }, { noNullPrototype: true })
  .map(({ values, n, seed, origins }) => {
    let s = seed;
    const rnd = (k: number) => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s % k;
    };
    const ids = Array.from({ length: 5 }, (_, i) => new Uint8Array(16).fill(i));
    const seqs = new Map<string, number>();
    const changes: RowChange[] = Array.from({ length: n }, (_, i) => {
      const origin = origins[rnd(origins.length)]!;
      const seq = (seqs.get(origin) ?? rnd(1000)) + 1;
      seqs.set(origin, seq);
      const fields: Record<string, FieldValue> = {};
      for (const c of COLUMNS.slice(0, 1 + rnd(4))) if (rnd(3) > 0) fields[c] = values[rnd(values.length)]!;
      const del = rnd(5) === 0;
      const r: RowChange = {
        table: TABLES[rnd(2)]!,
        id: rnd(2) === 0 ? ids[rnd(ids.length)]! : new Uint8Array(16).fill(100 + (i % 150)),
        origin,
        seq,
        hlc: (BigInt(1_700_000_000_000 + i * rnd(3)) << 16n) | BigInt(rnd(2)),
        kind: del ? 'delete' : 'upsert',
        fields: del ? {} : fields,
      };
      if (del) r.ctx = { [origin]: seq - 1 };
      return r;
    });
    return { version: 1 as const, from: origins[0]!, to: [], created: 0, upto: Object.fromEntries(seqs), changes, chunks: [] };
  });
