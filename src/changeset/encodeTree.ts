/**
 * Changeset → CBOR tree (the v1 schema; docs/protocol.md §4 is the full spec).
 *
 *   changeset := [
 *     0 stations   [tstr …]            every station id used; stations[0] is `from`
 *     1 to         [uint …]            station indexes
 *     2 created    int                 created − (hlc of the last row >> 16), when n > 0 and created is
 *                                      a safe integer with a safe difference (usually a few bytes)
 *                | column(1)           otherwise: one value column (valueColumn.ts), any number
 *     3 upto       vv                  vv := [uint station, uint seq, …] pairs
 *     4 tables     [tstr …]            table names in order of first use
 *     5 n          uint                number of row changes
 *     6 rows       [] when n = 0, else
 *                  [ tableIdx  intStream(n)
 *                    ids       bytes column(n)
 *                    origin    intStream(n)  station indexes
 *                    seqDelta  intStream(n)  seq − previous seq of the same origin (first: − 0)
 *                    hlcMs     intStream(n)  hlc >> 16
 *                    hlcCount  intStream(n)  hlc & 0xffff
 *                    kind      intStream(n)  0 upsert, 1 delete
 *                    hasCtx    intStream(n)  0/1
 *                    ctx       [] if no row has ctx, else, over the c rows with hasCtx = 1:
 *                              [ intStream(c) entries per ctx,
 *                                intStream(Σ) station indexes, intStream(Σ) seqs ] ]
 *     7 fields     [block …]           one per table, same order:
 *                  block := [ [tstr …] column names (first-seen order),
 *                             [[uint …] …] presence patterns (ascending column indexes),
 *                             intStream(rows of the table) pattern index per row,
 *                             [column(m_c) …] one per column, m_c = rows whose pattern has c ]
 *     8 chunks     [] | [uint count, bytes column hashes, bytes column data]
 *   ]
 */
import { MAX_HLC, MAX_SEQ, ORIGIN_SIGNATURE_BYTES, type Changeset, type FieldValue, type RowChange, type VersionVector } from './Changeset.js';
import { encodeIntStream } from './intStream.js';
import { encodeBytesColumn } from './bytesColumn.js';
import { encodeColumn } from './valueColumn.js';
import { invalid } from './fail.js';
import { isWellFormed, type Cbor } from './tree.js';

const HLC_COUNTER_BITS = 16n;
const HLC_COUNTER_MASK = 0xffffn;

export const KIND_UPSERT = 0;
export const KIND_DELETE = 1;

class StationTable {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  id(name: unknown, what: string): number {
    if (typeof name !== 'string' || !isWellFormed(name)) throw invalid(`${what}: bad station id`, { value: String(name) });
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}

function seqOf(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > MAX_SEQ || Object.is(v, -0)) {
    throw invalid(`${what}: expected an integer in 0 … 2^48 − 1`, { value: String(v) });
  }
  return v;
}

function encodeVv(vv: VersionVector, stations: StationTable, what: string): number[] {
  if (typeof vv !== 'object' || vv === null) throw invalid(`${what}: expected a version vector`);
  const out: number[] = [];
  for (const [k, v] of Object.entries(vv)) out.push(stations.id(k, what), seqOf(v, what));
  return out;
}

function checkName(s: unknown, what: string): string {
  if (typeof s !== 'string' || !isWellFormed(s)) throw invalid(`${what}: expected a well-formed string`);
  return s;
}

function checkBytes(b: unknown, what: string): Uint8Array {
  if (!(b instanceof Uint8Array)) throw invalid(`${what}: expected a Uint8Array`);
  return b;
}

function encodeFieldBlock(rows: RowChange[], table: string): Cbor {
  const colIndex = new Map<string, number>();
  const names: string[] = [];
  const patternIndex = new Map<string, number>();
  const patterns: number[][] = [];
  const rowPattern: number[] = [];
  const columnValues: FieldValue[][] = [];
  for (const r of rows) {
    if (typeof r.fields !== 'object' || r.fields === null) throw invalid(`${table}: fields must be an object`);
    const cols: number[] = [];
    for (const name of Object.keys(r.fields)) {
      let c = colIndex.get(name);
      if (c === undefined) {
        c = names.length;
        names.push(checkName(name, `${table} column`));
        colIndex.set(name, c);
        columnValues.push([]);
      }
      cols.push(c);
    }
    cols.sort((a, b) => a - b);
    for (const c of cols) columnValues[c]!.push(r.fields[names[c]!] as FieldValue);
    const key = cols.join(',');
    let p = patternIndex.get(key);
    if (p === undefined) {
      p = patterns.length;
      patterns.push(cols);
      patternIndex.set(key, p);
    }
    rowPattern.push(p);
  }
  return [
    names,
    patterns,
    encodeIntStream(rowPattern),
    columnValues.map((vs, c) => encodeColumn(vs, `${table}.${names[c]}`)),
  ];
}

export function changesetToTree(cs: Changeset): Cbor {
  if (typeof cs !== 'object' || cs === null) throw invalid('not an object');
  if (cs.version !== 1) throw invalid(`unsupported model version ${String(cs.version)}`);
  const stations = new StationTable();
  stations.id(cs.from, 'from');
  if (!Array.isArray(cs.to)) throw invalid('to: expected an array');
  const to = cs.to.map((s) => stations.id(s, 'to'));
  if (typeof cs.created !== 'number') throw invalid('created: expected a number');
  const upto = encodeVv(cs.upto, stations, 'upto');
  if (!Array.isArray(cs.changes) || !Array.isArray(cs.chunks)) throw invalid('changes/chunks: expected arrays');

  const tableIndex = new Map<string, number>();
  const tables: string[] = [];
  const byTable: RowChange[][] = [];
  const n = cs.changes.length;
  const tableIdx: number[] = [];
  const ids: Uint8Array[] = [];
  const origin: number[] = [];
  const seqDelta: number[] = [];
  const hlcMs: number[] = [];
  const hlcCount: number[] = [];
  const kind: number[] = [];
  const hasCtx: number[] = [];
  const ctx: number[][] = [];
  const lastSeq = new Map<number, number>();
  for (const [i, r] of cs.changes.entries()) {
    const what = `changes[${i}]`;
    if (typeof r !== 'object' || r === null) throw invalid(`${what}: not an object`);
    let t = tableIndex.get(r.table);
    if (t === undefined) {
      t = tables.length;
      tables.push(checkName(r.table, `${what}.table`));
      tableIndex.set(r.table, t);
      byTable.push([]);
    }
    byTable[t]!.push(r);
    tableIdx.push(t);
    ids.push(checkBytes(r.id, `${what}.id`));
    const o = stations.id(r.origin, `${what}.origin`);
    origin.push(o);
    const seq = seqOf(r.seq, `${what}.seq`);
    if (seq === 0) throw invalid(`${what}.seq: seqs start at 1`);
    const d = seq - (lastSeq.get(o) ?? 0);
    seqDelta.push(d === 0 ? 0 : d);
    lastSeq.set(o, seq);
    if (typeof r.hlc !== 'bigint' || r.hlc < 0n || r.hlc > MAX_HLC) throw invalid(`${what}.hlc: expected a bigint in 0 … MAX_HLC`);
    hlcMs.push(Number(r.hlc >> HLC_COUNTER_BITS));
    hlcCount.push(Number(r.hlc & HLC_COUNTER_MASK));
    if (r.kind !== 'upsert' && r.kind !== 'delete') throw invalid(`${what}.kind: expected upsert or delete`);
    kind.push(r.kind === 'delete' ? KIND_DELETE : KIND_UPSERT);
    if (r.ctx !== undefined) {
      hasCtx.push(1);
      ctx.push(encodeVv(r.ctx, stations, `${what}.ctx`));
    } else hasCtx.push(0);
  }
  const fieldBlocks = byTable.map((rows, t) => encodeFieldBlock(rows, tables[t]!));

  let chunks: Cbor = [];
  if (cs.chunks.length > 0) {
    const hashes = cs.chunks.map((c, i) => checkBytes(c?.hash, `chunks[${i}].hash`));
    const data = cs.chunks.map((c, i) => checkBytes(c?.data, `chunks[${i}].data`));
    chunks = [cs.chunks.length, encodeBytesColumn(hashes), encodeBytesColumn(data)];
  }

  const createdOffset = n > 0 ? cs.created - hlcMs[n - 1]! : NaN;
  const created =
    Number.isSafeInteger(cs.created) && !Object.is(cs.created, -0) && Number.isSafeInteger(createdOffset)
      ? createdOffset === 0 ? 0 : createdOffset
      : encodeColumn([cs.created], 'created');
  const tree: Cbor[] = [
    stations.names,
    to,
    created,
    upto,
    tables,
    n,
    n === 0
      ? []
      : [
      encodeIntStream(tableIdx),
      encodeBytesColumn(ids),
      encodeIntStream(origin),
      encodeIntStream(seqDelta),
      encodeIntStream(hlcMs),
      encodeIntStream(hlcCount),
      encodeIntStream(kind),
      encodeIntStream(hasCtx),
      ctx.length === 0
        ? []
        : [
            encodeIntStream(ctx.map((vv) => vv.length / 2)),
            encodeIntStream(ctx.flatMap((vv) => vv.filter((_, k) => k % 2 === 0))),
            encodeIntStream(ctx.flatMap((vv) => vv.filter((_, k) => k % 2 === 1))),
          ],
        ],
    fieldBlocks,
    chunks,
  ];
  if (cs.sigs !== undefined) tree.push(encodeSigs(cs.sigs, origin, stations.names));
  return tree;
}

/** Format 2's element 9: one 64-byte signature per origin with rows, in station-index order. */
function encodeSigs(sigs: Record<string, Uint8Array>, origin: number[], names: string[]): Uint8Array {
  const present = [...new Set(origin)].sort((a, b) => a - b);
  const out = new Uint8Array(present.length * ORIGIN_SIGNATURE_BYTES);
  present.forEach((o, k) => {
    const s = Object.prototype.hasOwnProperty.call(sigs, names[o]!) ? sigs[names[o]!] : undefined;
    if (!(s instanceof Uint8Array) || s.length !== ORIGIN_SIGNATURE_BYTES) throw invalid(`sigs: no 64-byte signature for origin ${names[o]!}`);
    out.set(s, k * ORIGIN_SIGNATURE_BYTES);
  });
  return out;
}
