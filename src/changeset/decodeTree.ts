/**
 * CBOR tree → Changeset, checking every shape and limit (schema in encodeTree.ts). Throws
 * RS_ERR_CHANGESET_CORRUPT or RS_ERR_CHANGESET_TOO_LARGE; never returns a partial changeset.
 */
import { MAX_HLC_WALL_MS, MAX_SEQ, ORIGIN_SIGNATURE_BYTES, type Changeset, type Chunk, type FieldValue, type RowChange, type VersionVector } from './Changeset.js';
import type { ChangesetLimits } from './limits.js';
import { decodeIntStream } from './intStream.js';
import { decodeBytesColumn } from './bytesColumn.js';
import { decodeColumn } from './valueColumn.js';
import { KIND_DELETE, KIND_UPSERT } from './encodeTree.js';
import { corrupt, tooLarge } from './fail.js';
import { asArray, asBytes, asInt, asString, setOwn, type Cbor } from './tree.js';

const TOP_LEVEL_ITEMS = 9;
/** Format 2 adds element 9, the origin signatures. */
const TOP_LEVEL_ITEMS_SIGNED = 10;
const ROW_STREAMS = 9;
const FIELD_BLOCK_ITEMS = 4;
const HLC_COUNTER_BITS = 16n;
const HLC_COUNTER_MAX = 0xffff;
/** hlc >> 16 is bounded so that hlc + 1 stays below 2^63 − 1 (Changeset.ts, MAX_HLC_WALL_MS). */
const HLC_MS_MAX = MAX_HLC_WALL_MS;

function decodeVv(x: Cbor, stations: string[], what: string): VersionVector {
  const a = asArray(x, what);
  if (a.length % 2 !== 0 || a.length / 2 > stations.length) throw corrupt(`${what}: bad version vector`);
  const vv: VersionVector = {};
  for (let i = 0; i < a.length; i += 2) {
    const name = stations[asInt(a[i], what, 0, stations.length - 1)]!;
    if (Object.prototype.hasOwnProperty.call(vv, name)) throw corrupt(`${what}: duplicate station`);
    setOwn(vv, name, asInt(a[i + 1], what, 0, MAX_SEQ));
  }
  return vv;
}

/** The columnar ctx block: counts, then all station indexes, then all seqs. */
function decodeCtxs(x: Cbor, c: number, stations: string[], limits: ChangesetLimits): VersionVector[] {
  if (c === 0) {
    asArray(x, 'ctx', 0);
    return [];
  }
  const a = asArray(x, 'ctx', 3);
  const counts = decodeIntStream(a[0], c, 'ctx sizes', 0, stations.length);
  const total = counts.reduce((p, q) => p + q, 0);
  if (total > limits.maxCells) throw tooLarge('maxCells', limits.maxCells, total);
  const st = decodeIntStream(a[1], total, 'ctx stations', 0, stations.length - 1);
  const seqs = decodeIntStream(a[2], total, 'ctx seqs', 0, MAX_SEQ);
  const out: VersionVector[] = [];
  let k = 0;
  for (const count of counts) {
    const vv: VersionVector = {};
    for (let j = 0; j < count; j++, k++) {
      const name = stations[st[k]!]!;
      if (Object.prototype.hasOwnProperty.call(vv, name)) throw corrupt('ctx: duplicate station');
      setOwn(vv, name, seqs[k]!);
    }
    out.push(vv);
  }
  return out;
}

function checkDistinct(names: string[], what: string): void {
  if (new Set(names).size !== names.length) throw corrupt(`${what}: duplicate names`);
}

/** `signed`: format 2, whose tree has the origin signatures as element 9. */
export function treeToChangeset(x: Cbor, limits: ChangesetLimits, signed = false): Changeset {
  const top = asArray(x, 'changeset', signed ? TOP_LEVEL_ITEMS_SIGNED : TOP_LEVEL_ITEMS);
  const stationsRaw = asArray(top[0], 'stations');
  if (stationsRaw.length === 0) throw corrupt('no stations');
  if (stationsRaw.length > limits.maxStations) throw tooLarge('maxStations', limits.maxStations, stationsRaw.length);
  const stations = stationsRaw.map((s) => asString(s, 'station', limits.maxStringLength));
  checkDistinct(stations, 'stations');
  const station = (i: number) => stations[i]!;
  const to = asArray(top[1], 'to').map((i) => station(asInt(i, 'to', 0, stations.length - 1)));
  const upto = decodeVv(top[3], stations, 'upto');

  const tablesRaw = asArray(top[4], 'tables');
  if (tablesRaw.length > limits.maxTables) throw tooLarge('maxTables', limits.maxTables, tablesRaw.length);
  const tables = tablesRaw.map((s) => asString(s, 'table', limits.maxStringLength));
  checkDistinct(tables, 'tables');
  const n = asInt(top[5], 'n', 0);
  if (n > limits.maxRows) throw tooLarge('maxRows', limits.maxRows, n);

  const rs = n === 0 ? asArray(top[6], 'rows', 0).concat(new Array<Cbor>(ROW_STREAMS - 1).fill(0), [[]]) : asArray(top[6], 'rows', ROW_STREAMS);
  const tableIdx = decodeIntStream(rs[0], n, 'table index', 0, tables.length - 1);
  const ids = n === 0 ? [] : decodeBytesColumn(rs[1], n, 'ids', limits.maxStringLength);
  const origin = decodeIntStream(rs[2], n, 'origin', 0, stations.length - 1);
  const seqDelta = decodeIntStream(rs[3], n, 'seq');
  const hlcMs = decodeIntStream(rs[4], n, 'hlc', 0, HLC_MS_MAX);
  const hlcCount = decodeIntStream(rs[5], n, 'hlc counter', 0, HLC_COUNTER_MAX);
  const kind = decodeIntStream(rs[6], n, 'kind', KIND_UPSERT, KIND_DELETE);
  const hasCtx = decodeIntStream(rs[7], n, 'ctx flags', 0, 1);
  const ctxs = decodeCtxs(rs[8], hasCtx.reduce((a, b) => a + b, 0), stations, limits);

  const changes: RowChange[] = new Array<RowChange>(n);
  const rowsOfTable: number[][] = tables.map(() => []);
  const lastSeq = new Map<number, number>();
  let c = 0;
  for (let i = 0; i < n; i++) {
    const o = origin[i]!;
    const seq = (lastSeq.get(o) ?? 0) + seqDelta[i]!;
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > MAX_SEQ) throw corrupt(`seq out of range (1 … ${MAX_SEQ})`);
    lastSeq.set(o, seq);
    const r: RowChange = {
      table: tables[tableIdx[i]!]!,
      id: ids[i]!,
      origin: station(o),
      seq,
      hlc: (BigInt(hlcMs[i]!) << HLC_COUNTER_BITS) | BigInt(hlcCount[i]!),
      kind: kind[i] === KIND_DELETE ? 'delete' : 'upsert',
      fields: {},
    };
    if (hasCtx[i] === 1) r.ctx = ctxs[c++]!;
    changes[i] = r;
    rowsOfTable[tableIdx[i]!]!.push(i);
  }
  for (let t = 0; t < tables.length; t++) {
    if (rowsOfTable[t]!.length === 0) throw corrupt(`table ${t} has no rows`);
  }

  const blocks = asArray(top[7], 'fields', tables.length);
  let cells = 0;
  const spendCells = (k: number) => {
    cells += k;
    if (cells > limits.maxCells) throw tooLarge('maxCells', limits.maxCells, cells);
  };
  blocks.forEach((b, t) => {
    const what = `fields of ${tables[t]}`;
    const rows = rowsOfTable[t]!;
    const block = asArray(b, what, FIELD_BLOCK_ITEMS);
    const namesRaw = asArray(block[0], what);
    if (namesRaw.length > limits.maxColumns) throw tooLarge('maxColumns', limits.maxColumns, namesRaw.length);
    const names = namesRaw.map((s) => asString(s, `${what} column`, limits.maxStringLength));
    checkDistinct(names, what);
    const patternsRaw = asArray(block[1], `${what} patterns`);
    if (patternsRaw.length === 0 || patternsRaw.length > rows.length) throw corrupt(`${what}: bad pattern count`);
    const patterns = patternsRaw.map((p) => {
      const cols = asArray(p, `${what} pattern`).map((ci) => asInt(ci, `${what} pattern`, 0, names.length - 1));
      for (let k = 1; k < cols.length; k++) if (cols[k]! <= cols[k - 1]!) throw corrupt(`${what}: unordered pattern`);
      return cols;
    });
    const rowPattern = decodeIntStream(block[2], rows.length, `${what} pattern index`, 0, patterns.length - 1);
    const colRows: number[][] = names.map(() => []);
    rows.forEach((row, k) => {
      const p = patterns[rowPattern[k]!]!;
      spendCells(p.length);
      for (const col of p) colRows[col]!.push(row);
    });
    const columns = asArray(block[3], `${what} columns`, names.length);
    columns.forEach((colTree, col) => {
      const target = colRows[col]!;
      if (target.length === 0) throw corrupt(`${what}: unused column`);
      const values: FieldValue[] = decodeColumn(colTree, target.length, `${what}.${names[col]}`, limits.maxStringLength, spendCells);
      target.forEach((row, k) => setOwn(changes[row]!.fields, names[col]!, values[k]!));
    });
  });

  const chunks: Chunk[] = [];
  const ch = asArray(top[8], 'chunks');
  if (ch.length !== 0) {
    if (ch.length !== 3) throw corrupt('chunks: bad shape');
    const count = asInt(ch[0], 'chunk count', 1);
    if (count > limits.maxChunks) throw tooLarge('maxChunks', limits.maxChunks, count);
    const hashes = decodeBytesColumn(ch[1], count, 'chunk hashes', limits.maxStringLength);
    const data = decodeBytesColumn(ch[2], count, 'chunk data', limits.maxInflatedBytes);
    for (let i = 0; i < count; i++) chunks.push({ hash: hashes[i]!, data: data[i]! });
  }

  let created: FieldValue | undefined;
  if (typeof top[2] === 'number') {
    if (n === 0) throw corrupt('created: offset without rows');
    created = hlcMs[n - 1]! + asInt(top[2], 'created');
    if (!Number.isSafeInteger(created)) throw corrupt('created: out of range');
  } else created = decodeColumn(top[2], 1, 'created', limits.maxStringLength)[0];
  if (typeof created !== 'number') throw corrupt('created: expected a number');

  const cs: Changeset = { version: 1, from: station(0), to, created, upto, changes, chunks };
  if (signed) cs.sigs = decodeSigs(top[9], origin, stations);
  return cs;
}

/** Element 9: 64 bytes per origin with rows, in station-index order. */
function decodeSigs(x: Cbor, origin: number[], stations: string[]): Record<string, Uint8Array> {
  const present = [...new Set(origin)].sort((a, b) => a - b);
  const b = asBytes(x, 'origin signatures');
  if (b.length !== present.length * ORIGIN_SIGNATURE_BYTES) throw corrupt(`origin signatures: ${b.length} bytes for ${present.length} origins`);
  const out: Record<string, Uint8Array> = {};
  present.forEach((o, k) => setOwn(out, stations[o]!, b.slice(k * ORIGIN_SIGNATURE_BYTES, (k + 1) * ORIGIN_SIGNATURE_BYTES)));
  return out;
}
