/** Shared state of an open store: the database, the station, the clock and the table specs. */
import type Database from 'better-sqlite3';
import { MAX_SEQ, type FieldValue, type Hlc, type RowChange, type StationId, type VersionVector } from '../changeset/Changeset.js';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import type { Clock } from '../clock/Clock.js';
import type { ConflictResolver, TableSpec } from './tables.js';
import type { HeldChange } from './merge.js';
import { decodeFields, fromSqlite } from './values.js';
import { fullContext } from './vv.js';

export interface StoreContext {
  db: Database.Database;
  station: StationId;
  clock: Clock;
  maxDriftMs: number;
  specs: Map<string, TableSpec>;
  resolvers: Record<string, ConflictResolver>;
  /** Prepared statements, by SQL text (plain and safe-integer ones apart, so the key is the text itself). */
  cache: Map<string, Database.Statement>;
  safeCache?: Map<string, Database.Statement>;
  /** Clock and seq held in memory during one ingest (written back at its end), else undefined. */
  batch?: { hlc: Hlc; seq: number };
  /** Origin signatures: signs this station's chain heads, verifies other origins'. Absent: none (library use without keys). */
  origins?: OriginAuth;
  /** Per-sender quota for rows held only for relaying. */
  relayQuota: { rows: number; bytes: number };
  /** Column renames per table (old name → current name), read from radiosync_renamed on first use. */
  renamed?: Map<string, ReadonlyMap<string, string>>;
}

/**
 * What the store needs of the station's keys (injected, so the store never reads key files):
 * `sign` signs this station's own chain head; `verify` checks another origin's, and answers
 * 'unknown' when this station holds no (usable) key for that origin.
 */
export interface OriginAuth {
  sign(seq: number, head: Uint8Array): Uint8Array;
  verify(origin: StationId, seq: number, head: Uint8Array, sig: Uint8Array): 'ok' | 'bad' | 'unknown';
}

/** A cached prepared statement; `safe` returns integers as bigint (needed for HLCs). */
export function stmt(ctx: StoreContext, sql: string, safe = false): Database.Statement {
  const cache = safe ? (ctx.safeCache ??= new Map()) : ctx.cache;
  let s = cache.get(sql);
  if (s === undefined) {
    s = ctx.db.prepare(sql);
    if (safe && s.reader) s.safeIntegers(true);
    cache.set(sql, s);
  }
  return s;
}

export function getMeta(ctx: StoreContext, key: string): unknown {
  const r = stmt(ctx, 'SELECT value FROM radiosync_meta WHERE key = ?', true).get(key) as { value: unknown } | undefined;
  return r?.value;
}

export function setMeta(ctx: StoreContext, key: string, value: unknown): void {
  stmt(ctx, 'INSERT INTO radiosync_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}

export function getHlc(ctx: StoreContext): Hlc {
  if (ctx.batch !== undefined) return ctx.batch.hlc;
  const v = getMeta(ctx, 'hlc');
  return typeof v === 'bigint' ? v : 0n;
}

export function setHlc(ctx: StoreContext, h: Hlc): void {
  if (ctx.batch !== undefined) {
    ctx.batch.hlc = h;
    return;
  }
  setMeta(ctx, 'hlc', h);
}

/** Next local seq (the stored counter, which apply keeps above any own-origin seq it receives). */
export function nextLocalSeq(ctx: StoreContext): number {
  const cur = ctx.batch !== undefined ? ctx.batch.seq : Number(getMeta(ctx, 'seq') ?? 0);
  if (cur >= MAX_SEQ) throw makeError(STORE_ERRORS, 'RS_ERR_STORE_SEQ_EXHAUSTED', `station ${ctx.station} has used every seq up to ${MAX_SEQ}`, { seq: cur });
  if (ctx.batch !== undefined) return ++ctx.batch.seq;
  const stored = cur;
  const seq = stored + 1;
  setMeta(ctx, 'seq', seq);
  return seq;
}

interface LogRow {
  origin: string;
  seq: bigint;
  hlc: bigint;
  kind: string;
  fields: Uint8Array | null;
  ctx: string | null;
}

export function heldFromLog(r: LogRow): HeldChange {
  const seq = Number(r.seq);
  const ctx = r.ctx ? (JSON.parse(r.ctx) as VersionVector) : undefined;
  return {
    origin: r.origin,
    seq,
    hlc: r.hlc,
    kind: r.kind === 'delete' ? 'delete' : 'upsert',
    fields: decodeFields(r.fields),
    ctx: fullContext({ origin: r.origin, seq, ctx }),
  };
}

/**
 * A change as the log gives it back once stored with `compactCtx` (its compact context, as apply
 * stores it): what {@link heldFromLog} would read, without the round trip. Values come back as
 * the log's CBOR returns them: a bigint that fits a double as a number, −0 as 0.
 */
export function heldFromChange(c: RowChange, compactCtx: VersionVector | undefined): HeldChange {
  const fields: Record<string, FieldValue> = {};
  if (c.kind === 'upsert') for (const [k, v] of Object.entries(c.fields)) fields[k] = typeof v === 'bigint' ? fromSqlite(v) : v === 0 ? 0 : v;
  return { origin: c.origin, seq: c.seq, hlc: c.hlc, kind: c.kind, fields, ctx: fullContext({ origin: c.origin, seq: c.seq, ctx: compactCtx }) };
}

/**
 * Every change held for one row, with its fields under this station's column names: a value a
 * peer sent under a column's old name (it has not renamed it yet) counts for the renamed column.
 * The log itself keeps the names as sent (they are signed and relayed as they are).
 */
export function rowChanges(ctx: StoreContext, table: string, id: Uint8Array): HeldChange[] {
  const rows = stmt(
    ctx,
    'SELECT origin, seq, hlc, kind, fields, ctx FROM radiosync_log WHERE tbl = ? AND id = ?',
    true,
  ).all(table, id) as LogRow[];
  return underCurrentNames(ctx, table, rows.map(heldFromLog));
}

/** Changes of one row with their fields under this station's column names (see {@link rowChanges}). */
export function underCurrentNames(ctx: StoreContext, table: string, held: HeldChange[]): HeldChange[] {
  const names = columnRenames(ctx, table);
  if (names.size === 0) return held;
  for (const c of held) {
    if (!Object.keys(c.fields).some((f) => names.has(f))) continue;
    const fields: Record<string, FieldValue> = {};
    for (const [f, v] of Object.entries(c.fields)) {
      const to = names.get(f) ?? f;
      if (to === f || !Object.prototype.hasOwnProperty.call(c.fields, to)) fields[to] = v;
    }
    c.fields = fields;
  }
  return held;
}

/**
 * A table's column renames, old name → current name, chains followed (a → b → c gives a → c). An
 * old name that is a column again (added back after the rename) is not renamed.
 */
export function columnRenames(ctx: StoreContext, table: string): ReadonlyMap<string, string> {
  const cache = (ctx.renamed ??= new Map());
  let names = cache.get(table);
  if (names === undefined) {
    const rows = stmt(ctx, 'SELECT old, new FROM radiosync_renamed WHERE tbl = ?').all(table) as Array<{ old: string; new: string }>;
    const direct = new Map(rows.map((r) => [r.old, r.new]));
    const columns = new Set(ctx.specs.get(table)?.columns ?? []);
    const resolved = new Map<string, string>();
    for (const old of direct.keys()) {
      if (columns.has(old)) continue;
      let to = direct.get(old)!;
      for (let hops = 0; direct.has(to) && !columns.has(to) && hops < direct.size; hops++) to = direct.get(to)!;
      if (to !== old) resolved.set(old, to);
    }
    names = resolved;
    cache.set(table, names);
  }
  return names;
}

/** Record the renames a migration found; the cached view is rebuilt on next use. */
export function recordColumnRenames(ctx: StoreContext, table: string, renames: ReadonlyMap<string, string>): void {
  const put = stmt(ctx, 'INSERT OR REPLACE INTO radiosync_renamed(tbl, old, new, at) VALUES (?, ?, ?, ?)');
  for (const [from, to] of renames) {
    put.run(table, from, to, ctx.clock.now());
    stmt(ctx, 'DELETE FROM radiosync_renamed WHERE tbl = ? AND old = ?').run(table, to); // the new name is a column again
  }
  ctx.renamed?.clear();
}

/** Per-origin highest seq of changes held for a row, and their highest HLC. */
export function rowContext(ctx: StoreContext, table: string, id: Uint8Array): { vv: VersionVector; maxHlc: Hlc; n: number } {
  const rows = stmt(
    ctx,
    'SELECT origin, max(seq) AS seq, max(hlc) AS hlc, count(*) AS n FROM radiosync_log WHERE tbl = ? AND id = ? GROUP BY origin',
    true,
  ).all(table, id) as Array<{ origin: string; seq: bigint; hlc: bigint; n: bigint }>;
  const vv: VersionVector = {};
  let maxHlc = 0n;
  let n = 0;
  for (const r of rows) {
    vv[r.origin] = Number(r.seq);
    if (r.hlc > maxHlc) maxHlc = r.hlc;
    n += Number(r.n);
  }
  return { vv, maxHlc, n };
}

/** Advance this station's contiguous version vector for an origin after new dots arrived. */
export function advanceVv(ctx: StoreContext, origin: string): number {
  const cur = stmt(ctx, 'SELECT upto FROM radiosync_vv WHERE origin = ?').get(origin) as { upto: number } | undefined;
  let upto = cur?.upto ?? 0;
  const has = stmt(ctx, 'SELECT 1 FROM radiosync_log WHERE origin = ? AND seq = ?');
  while (has.get(origin, upto + 1) !== undefined) upto++;
  stmt(ctx, 'INSERT INTO radiosync_vv(origin, upto) VALUES (?, ?) ON CONFLICT(origin) DO UPDATE SET upto = excluded.upto').run(
    origin,
    upto,
  );
  // our own changes came back from a peer (restored from an old backup): the next local change
  // must follow them, never reuse one of their seqs
  if (origin === ctx.station && upto > Number(getMeta(ctx, 'seq') ?? 0)) setMeta(ctx, 'seq', upto);
  return upto;
}

export function localVv(ctx: StoreContext): VersionVector {
  const out: VersionVector = {};
  for (const r of stmt(ctx, 'SELECT origin, upto FROM radiosync_vv ORDER BY origin').all() as Array<{ origin: string; upto: number }>) {
    if (r.upto > 0) out[r.origin] = r.upto;
  }
  return out;
}

/** Run `fn` with the capture triggers silenced (radiosync's own writes to application tables). */
export function silently<T>(ctx: StoreContext, fn: () => T): T {
  if (stmt(ctx, 'UPDATE radiosync_state SET applying = 1').run().changes === 0) {
    stmt(ctx, 'INSERT INTO radiosync_state(applying) VALUES (1)').run(); // someone removed the flag row
  }
  try {
    return fn();
  } finally {
    stmt(ctx, 'UPDATE radiosync_state SET applying = 0').run();
  }
}
