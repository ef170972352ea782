/**
 * `npm run bench -- changeset`: changeset bytes for the generated person table against `gzip -9`
 * and `xz -9e` of the same data as JSON (the real binaries, same bytes, same run), against a
 * quick columnar CBOR reference, plus the issue 4 follow-up cases and encode/decode speed.
 */
import { execFileSync } from 'node:child_process';
import { Encoder } from 'cbor-x';
import { deflateSync } from 'fflate';
import type { BenchReport, BenchTable } from './report.js';
import type { Changeset } from '../../src/changeset/Changeset.js';
import { decodeChangeset, encodeChangeset, encodeChangesetCbor } from '../../src/changeset/codec.js';
import { originSigCost } from './originSigs.js';
import {
  generatePersonRows, personChangeset, personRowsToJson, personRowsFloorBytes, personVocabularyBytes, uuidToString, SPREAD_GAP_MS, PERSON_ROWS, PERSON_SEED, type PersonRow,
} from '../../fixtures/gen/personTable.js';
import { personDeletesChangeset, personEditsChangeset } from '../../fixtures/gen/personEdits.js';

const SPEED_RUNS = 15;

function gzip9(data: Uint8Array): number {
  return execFileSync('gzip', ['-9', '-n', '-c'], { input: data, maxBuffer: 1 << 28 }).length;
}
function xz9e(data: Uint8Array): number {
  return execFileSync('xz', ['-9e', '-c', '--format=xz'], { input: data, maxBuffer: 1 << 28 }).length;
}

/**
 * The reference of issue 2: "a quick columnar CBOR encoding with binary UUIDs and dictionary-coded
 * strings", deflated at level 9: one array per column, UUIDs as byte strings (ids concatenated),
 * strings and shelter ids as [dictionary, indexes], numbers as cbor-x writes them.
 */
function referenceColumnar(rows: readonly PersonRow[]): number {
  const dict = <T>(vals: T[], key: (v: T) => string) => {
    const idx = new Map<string, number>();
    const entries: T[] = [];
    const index = vals.map((v) => {
      const k = key(v);
      if (!idx.has(k)) (idx.set(k, entries.length), entries.push(v));
      return idx.get(k)!;
    });
    return [entries, index];
  };
  const ids = new Uint8Array(rows.length * 16);
  rows.forEach((r, i) => ids.set(r.id, i * 16));
  const s = (v: string | null) => String(v);
  const cols = {
    id: ids,
    given_name: dict(rows.map((r) => r.given_name), s),
    family_name: dict(rows.map((r) => r.family_name), s),
    age: rows.map((r) => r.age),
    status: dict(rows.map((r) => r.status), s),
    shelter_id: dict(rows.map((r) => r.shelter_id), (b) => b.join()),
    lat: rows.map((r) => r.lat),
    lon: rows.map((r) => r.lon),
    phone: dict(rows.map((r) => r.phone), s),
    notes: dict(rows.map((r) => r.notes), s),
  };
  const cbor = new Encoder({ useRecords: false, tagUint8Array: false }).encode(cols);
  return deflateSync(cbor, { level: 9 }).length;
}

/** A changeset as plain JSON (the open-format export shape), for the gzip/xz comparison. */
function changesToJson(cs: Changeset): Uint8Array {
  const fv = (v: unknown) => (v instanceof Uint8Array ? uuidToString(v) : typeof v === 'bigint' ? String(v) : v);
  return new TextEncoder().encode(
    JSON.stringify(
      cs.changes.map((c) => ({
        table: c.table, id: uuidToString(c.id), origin: c.origin, seq: c.seq, hlc: String(c.hlc), kind: c.kind,
        fields: Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, fv(v)])),
        ...(c.ctx ? { ctx: c.ctx } : {}),
      })),
    ),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeIt(fn: () => void): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < SPEED_RUNS; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

export async function run(): Promise<BenchReport> {
  const rows = generatePersonRows(PERSON_ROWS, PERSON_SEED);
  const json = new TextEncoder().encode(personRowsToJson(rows));
  const gz = gzip9(json);
  const xz = xz9e(json);
  const ref = referenceColumnar(rows);
  const inserts = personChangeset(rows);
  const insertsSpread = personChangeset(rows, { gapMs: SPREAD_GAP_MS });
  const ours = encodeChangeset(inserts).length;
  const oursSpread = encodeChangeset(insertsSpread).length;
  const line = (what: string, bytes: number) => ({ encoding: what, bytes, 'per row': bytes / rows.length, '× gzip -9': bytes / gz, '× xz -9e': bytes / xz });
  const table1: BenchTable = {
    title: `${PERSON_ROWS}-row person table (seed ${PERSON_SEED}): bytes vs gzip -9 / xz -9e of the rows as a JSON array`,
    columns: ['encoding', 'bytes', 'per row', '× gzip -9', '× xz -9e'],
    rows: [
      line('JSON array (uncompressed)', json.length),
      line('floor: the 2,000 random 16-byte ids alone', rows.length * 16),
      line('floor: entropy of the rows (generator distributions)', personRowsFloorBytes(rows.length)),
      line('gzip -9 JSON', gz),
      line('xz -9e JSON', xz),
      line('reference: quick columnar CBOR + deflate-9', ref),
      line('radiosync changeset CBOR, before deflate', encodeChangesetCbor(inserts).length),
      line('radiosync changeset (2,000 inserts, bulk entry)', ours),
      line('radiosync changeset (inserts 5–120 s apart)', oursSpread),
    ],
    notes: [
      'the changeset also carries what the JSON does not: origin, seq, HLC per row, from/to/upto',
      'bulk entry = HLCs 0–3 ms apart (trigger capture of an import); 5–120 s apart adds ~17 bits of clock per row',
      `entropy floor: computed from the generator's distributions (personRowEntropyBits), not measured; the name, phrase and shelter lists (${personVocabularyBytes()} B as plain text) come on top for a receiver that does not know them`,
      `reference quick columnar is ${(ref / gz).toFixed(3)}× gzip and ${(ref / xz).toFixed(3)}× xz on this data; radiosync is ${(ours / ref).toFixed(3)}× the reference`,
    ],
  };

  const cases: Array<[string, Changeset]> = [
    ['2,000 inserts', inserts],
    ['500 single-field edits', personEditsChangeset(rows, 500)],
    ['200 deletes (with ctx)', personDeletesChangeset(rows, 200)],
    ['1 single-field edit', personEditsChangeset(rows, 1)],
  ];
  const table2: BenchTable = {
    title: 'Changesets vs gzip -9 / xz -9e of the same changes as JSON export',
    columns: ['case', 'changes', 'JSON', 'gzip -9', 'xz -9e', 'changeset', '× gzip', '× xz'],
    rows: cases.map(([name, cs]) => {
      const j = changesToJson(cs);
      const g = gzip9(j);
      const x = xz9e(j);
      const b = encodeChangeset(cs).length;
      return { case: name, changes: cs.changes.length, JSON: j.length, 'gzip -9': g, 'xz -9e': x, changeset: b, '× gzip': b / g, '× xz': b / x };
    }),
  };

  const encoded = encodeChangeset(inserts);
  const encMs = timeIt(() => encodeChangeset(inserts));
  const decMs = timeIt(() => decodeChangeset(encoded));
  const table3: BenchTable = {
    title: `Speed, ${PERSON_ROWS}-row changeset (median of ${SPEED_RUNS})`,
    columns: ['direction', 'ms', 'rows/s', 'JSON-equivalent MB/s'],
    rows: [
      { direction: 'encode', ms: encMs, 'rows/s': Math.round(rows.length / (encMs / 1000)), 'JSON-equivalent MB/s': json.length / 1e6 / (encMs / 1000) },
      { direction: 'decode', ms: decMs, 'rows/s': Math.round(rows.length / (decMs / 1000)), 'JSON-equivalent MB/s': json.length / 1e6 / (decMs / 1000) },
    ],
  };
  // Origin signatures (issue 18): the 2,000 inserts from one origin, and the same rows relayed from three.
  const relayed: Changeset = { ...inserts, changes: inserts.changes.map((c, i) => ({ ...c, origin: ['N0AAA', 'N0BBB', 'N0CCC'][i % 3]!, seq: Math.floor(i / 3) + 1 })) };
  const sigRows = ([['2,000 inserts, 1 origin', inserts], ['2,000 rows relayed from 3 origins', relayed]] as Array<[string, Changeset]>).map(([name, cs]) => {
    const c = originSigCost(cs);
    return { case: name, origins: c.origins, 'format 1 bytes': c.without, 'format 2 bytes': c.with, 'extra bytes': c.extra, 'extra %': 100 * c.share };
  });
  const table4: BenchTable = {
    title: 'Origin signatures on air (changeset format 2: 64 B per origin present)',
    columns: ['case', 'origins', 'format 1 bytes', 'format 2 bytes', 'extra bytes', 'extra %'],
    rows: sigRows,
    notes: ['the signed envelope (66 + n bytes) is the same with or without them; target ≤ 1 % for the 2,000-row case'],
  };
  return {
    tables: [table1, table2, table3, table4],
    extra: { gzipBytes: gz, xzBytes: xz, referenceBytes: ref, changesetBytes: ours, ratioGzip: ours / gz, ratioXz: ours / xz, originSignatures: sigRows },
  };
}
