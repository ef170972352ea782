/**
 * Turn what the triggers recorded (radiosync_capture) into log entries stamped with this station's
 * origin, the next seq and an HLC. Runs inside the caller's transaction, before every build and
 * apply, so local edits always hold a dot before anything is merged with them.
 *
 * Several writes to one row between two captures become one change (the union of the changed
 * columns, read from the row as it is now). An insert followed by a delete of a row that never
 * synced leaves only a local tombstone.
 */
import type { FieldValue, Hlc, RowChange } from '../changeset/Changeset.js';
import { isRadiosyncError } from '../errors/RadiosyncError.js';
import { quoteIdent, type TableSpec } from './tables.js';
import { stmt, getHlc, setHlc, getMeta, setMeta, nextLocalSeq, rowContext, advanceVv, type StoreContext } from './StoreContext.js';
import { hlcAfter, hlcPack, hlcTick } from './hlc.js';
import { holdBack } from './holdBack.js';
import { compactContext } from './vv.js';
import { encodeFields, fromSqlite } from './values.js';
import { uuidToBytes } from './uuid.js';

interface CaptureRow {
  n: bigint;
  tbl: string;
  op: 'i' | 'u' | 'd';
  uuid: string | null;
  old_uuid: string | null;
  cols: string | null;
  image: string | null;
  /** When the application wrote (ms, SQLite's clock), or null (a snapshot, or a trigger older than store schema 2). */
  at: bigint | null;
}

interface Pending {
  spec: TableSpec;
  uuid: string;
  cols: Set<string> | 'all';
  /** The last write's time, when known. */
  at: number | undefined;
}

export interface CaptureStats {
  changes: number;
  /** Rows whose UUID column is not a lower-case UUID: skipped (fix the application's data). */
  badUuids: number;
  /** FK values whose referenced row has no UUID (left out of the change). */
  danglingReferences: number;
  excluded: number;
}

/** Local integer FK value → referenced row's UUID bytes (null when the row is missing). */
export function fkToWire(ctx: StoreContext, spec: TableSpec, column: string, v: FieldValue): FieldValue | undefined {
  const fk = spec.fks.get(column);
  if (fk === undefined || v === null) return v;
  if (fk.targetColumn === fk.uuidColumn) {
    return typeof v === 'string' ? uuidToBytes(v, fk.uuidPrefix) : undefined;
  }
  const r = stmt(
    ctx,
    `SELECT ${quoteIdent(fk.uuidColumn)} AS u FROM ${quoteIdent(fk.table)} WHERE ${quoteIdent(fk.targetColumn)} = ?`,
  ).get(typeof v === 'boolean' ? Number(v) : v instanceof Uint8Array ? Buffer.from(v) : v) as { u: unknown } | undefined;
  if (r === undefined || typeof r.u !== 'string') return undefined;
  return uuidToBytes(r.u, fk.uuidPrefix);
}

export function readAppRow(ctx: StoreContext, spec: TableSpec, uuid: string): Record<string, unknown> | undefined {
  return stmt(ctx, `SELECT * FROM ${quoteIdent(spec.name)} WHERE ${quoteIdent(spec.uuidColumn)} = ?`, true).get(uuid) as
    | Record<string, unknown>
    | undefined;
}

function isExcluded(ctx: StoreContext, spec: TableSpec, uuid: string): boolean {
  if (spec.excludeUuids.has(uuid)) return true;
  if (spec.exclude === null) return false;
  const r = stmt(
    ctx,
    `SELECT 1 FROM ${quoteIdent(spec.name)} WHERE ${quoteIdent(spec.uuidColumn)} = ? AND (${spec.exclude})`,
  ).get(uuid);
  return r !== undefined;
}

const INSERT_LOG = `INSERT INTO radiosync_log(origin, seq, tbl, id, hlc, kind, fields, ctx, received)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Append one local change to the log. Its stamp is the time the application wrote (`editMs`, from
 * the trigger), so "newer" means the later edit, not the later capture; an edit time ahead of the
 * store's clock is taken as now (an edit cannot be later than its capture). The station's HLC
 * still ticks at capture time (it never goes back).
 */
function appendLocal(
  ctx: StoreContext,
  spec: TableSpec,
  id: Uint8Array,
  kind: RowChange['kind'],
  fields: Record<string, FieldValue>,
  known?: ReturnType<typeof rowContext>,
  editMs?: number,
): { seq: number; hlc: Hlc } {
  const row = known ?? rowContext(ctx, spec.name, id);
  const now = ctx.clock.now();
  const tick = hlcTick(getHlc(ctx), now, ctx.maxDriftMs);
  setHlc(ctx, tick);
  const stamp = editMs !== undefined && editMs < now ? hlcPack(editMs) : tick;
  // A change must sort after everything it saw on this row, even if that came from a clock far
  // ahead. Only this row's stamp moves: the station clock is not dragged (see hlcReceive).
  const hlc = stamp <= row.maxHlc ? hlcAfter(row.maxHlc) : stamp;
  const seq = nextLocalSeq(ctx);
  const c = compactContext(row.vv, ctx.station);
  stmt(ctx, INSERT_LOG).run(
    ctx.station,
    seq,
    spec.name,
    Buffer.from(id),
    hlc,
    kind,
    kind === 'upsert' ? encodeFields(fields) : null,
    c === undefined ? null : JSON.stringify(c),
    ctx.clock.now(),
  );
  return { seq, hlc };
}

function emitDelete(ctx: StoreContext, spec: TableSpec, uuid: string, image: string | null, stats: CaptureStats, at?: number): void {
  const id = uuidToBytes(uuid, spec.uuidPrefix);
  const known = rowContext(ctx, spec.name, id).n > 0;
  let dot: { seq: number; hlc: Hlc } | null = null;
  if (known && !spec.excludeUuids.has(uuid)) {
    dot = appendLocal(ctx, spec, id, 'delete', {}, undefined, at);
    stats.changes++;
  }
  stmt(
    ctx,
    `INSERT INTO radiosync_tombstone(tbl, id, image, origin, seq, hlc, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(tbl, id) DO UPDATE SET image = excluded.image, origin = excluded.origin, seq = excluded.seq,
       hlc = excluded.hlc, deleted_at = excluded.deleted_at`,
  ).run(spec.name, Buffer.from(id), image, dot ? ctx.station : null, dot?.seq ?? null, dot?.hlc ?? null, ctx.clock.now());
}

function emitUpsert(ctx: StoreContext, p: Pending, stats: CaptureStats): void {
  const { spec, uuid } = p;
  const row = readAppRow(ctx, spec, uuid);
  if (row === undefined) return; // deleted again before this capture: the delete stands for it
  if (isExcluded(ctx, spec, uuid)) {
    stats.excluded++;
    return;
  }
  const id = uuidToBytes(uuid, spec.uuidPrefix);
  // A row never sent before (it was excluded, or predates radiosync without a snapshot) goes whole.
  const held = rowContext(ctx, spec.name, id);
  if (p.cols !== 'all' && held.n === 0) p.cols = 'all';
  if (spec.deletedColumn !== null) {
    const del = Boolean(fromSqlite(row[spec.deletedColumn]));
    const flipped = p.cols === 'all' || p.cols.has(spec.deletedColumn);
    if (del) {
      // A soft delete by the application is a delete; other edits of a soft-deleted row stay local.
      // Fields changed in the same writes as the flag (Eden's deleted_fk, the references it clears,
      // modified_on) go first as an upsert, so that the receiver's deleted row holds them too.
      if (!flipped || p.cols === 'all') return;
      const cols = new Set([...p.cols].filter((c) => c !== spec.deletedColumn));
      const alongside = wireFields(ctx, spec, row, cols, stats);
      if (Object.keys(alongside).length > 0) {
        appendLocal(ctx, spec, id, 'upsert', alongside, held, p.at);
        stats.changes++;
      }
      emitDelete(ctx, spec, uuid, JSON.stringify(row, jsonSafe), stats, p.at);
      return;
    }
    if (flipped) p.cols = 'all'; // undeleted (or inserted): send the whole row
  }
  const fields = wireFields(ctx, spec, row, p.cols, stats);
  if (Object.keys(fields).length === 0 && p.cols !== 'all') return;
  appendLocal(ctx, spec, id, 'upsert', fields, held, p.at);
  stmt(ctx, 'DELETE FROM radiosync_tombstone WHERE tbl = ? AND id = ?').run(spec.name, Buffer.from(id));
  stats.changes++;
}

/** The row's values for `cols` in wire form (references as UUIDs); a dangling reference is counted and left out. */
function wireFields(ctx: StoreContext, spec: TableSpec, row: Record<string, unknown>, cols: Set<string> | 'all', stats: CaptureStats): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const f of spec.fields) {
    if (cols !== 'all' && !cols.has(f)) continue;
    const v = fkToWire(ctx, spec, f, fromSqlite(row[f]));
    if (v === undefined) {
      stats.danglingReferences++;
      continue;
    }
    fields[f] = v;
  }
  return fields;
}

function jsonSafe(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}

/** A row with a malformed UUID is skipped and counted; it must not block every other row's sync. */
function guard(stats: CaptureStats, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!isRadiosyncError(e, 'RS_ERR_STORE_BAD_UUID')) throw e;
    stats.badUuids++;
  }
}

/**
 * Captured writes are read and turned into log entries in slices of this many (each slice's
 * pending rows are flushed before the next is read), so memory does not grow with the size of one
 * application transaction: a million rows written at once capture in bounded memory.
 */
export const CAPTURE_SLICE = 10_000;

function ingestBatch(ctx: StoreContext): CaptureStats {
  const stats: CaptureStats = { changes: 0, badUuids: 0, danglingReferences: 0, excluded: 0 };
  const slice = stmt(ctx, `SELECT n, tbl, op, uuid, old_uuid, cols, image, at FROM radiosync_capture WHERE n > ? ORDER BY n LIMIT ${CAPTURE_SLICE}`, true);
  let last = 0n;
  for (;;) {
    const rows = slice.all(last) as CaptureRow[];
    if (rows.length === 0) break;
    ingestSlice(ctx, rows, stats);
    last = rows[rows.length - 1]!.n;
    if (rows.length < CAPTURE_SLICE) break;
  }
  if (last > 0n) stmt(ctx, 'DELETE FROM radiosync_capture WHERE n <= ?').run(last);
  return stats;
}

/**
 * One slice of captured writes, in the application's order. Several writes of a row inside a
 * slice become one change (stamped with the last write's time); a row written in two slices gets
 * two changes, the later one last, which the merge resolves to the same row.
 */
function ingestSlice(ctx: StoreContext, rows: CaptureRow[], stats: CaptureStats): void {
  const pending = new Map<string, Pending>();
  const flush = (key: string): void => {
    const p = pending.get(key);
    if (p !== undefined) {
      pending.delete(key);
      guard(stats, () => emitUpsert(ctx, p, stats));
    }
  };
  for (const r of rows) {
    const spec = ctx.specs.get(r.tbl);
    if (spec === undefined || r.uuid === null) continue;
    const key = `${r.tbl}\u0000${r.uuid}`;
    const at = typeof r.at === 'bigint' ? Number(r.at) : undefined;
    // Log order follows the application's order: earlier writes to other rows go first.
    if (r.op === 'd') {
      pending.delete(key);
      for (const k of [...pending.keys()]) flush(k);
      const uuid = r.uuid;
      guard(stats, () => emitDelete(ctx, spec, uuid, r.image, stats, at));
      continue;
    }
    if (r.op === 'u' && r.old_uuid !== null) {
      // The application changed a row's UUID: the old identity is deleted, the new one inserted.
      pending.delete(`${r.tbl}\u0000${r.old_uuid}`);
      for (const k of [...pending.keys()]) flush(k);
      const old = r.old_uuid;
      guard(stats, () => emitDelete(ctx, spec, old, null, stats, at));
    }
    const cols: Set<string> | 'all' =
      r.op === 'i' || r.old_uuid !== null
        ? 'all'
        : new Set((JSON.parse(r.cols ?? '[]') as Array<string | null>).filter((c): c is string => c !== null));
    const prev = pending.get(key);
    if (prev === undefined) pending.set(key, { spec, uuid: r.uuid, cols, at });
    else {
      // several writes between two captures: one change, stamped with the last write's time
      if (prev.cols !== 'all') prev.cols = cols === 'all' ? 'all' : new Set([...prev.cols, ...cols]);
      if (at !== undefined) prev.at = prev.at === undefined ? at : Math.max(prev.at, at);
    }
  }
  for (const key of [...pending.keys()]) flush(key);
}

/** Ingest every pending capture. Call inside a write transaction. */
export function ingestCaptures(ctx: StoreContext): CaptureStats {
  if (stmt(ctx, 'SELECT 1 FROM radiosync_capture LIMIT 1').get() === undefined) {
    return { changes: 0, badUuids: 0, danglingReferences: 0, excluded: 0 };
  }
  // Clock and seq live in memory for the batch and are written back once.
  ctx.batch = { hlc: getHlc(ctx), seq: Number(getMeta(ctx, 'seq') ?? 0) };
  const firstSeq = ctx.batch.seq + 1;
  let stats: CaptureStats;
  try {
    stats = ingestBatch(ctx);
  } finally {
    const b = ctx.batch;
    ctx.batch = undefined;
    setHlc(ctx, b.hlc);
    setMeta(ctx, 'seq', b.seq);
  }
  if (stats.changes > 0) {
    advanceVv(ctx, ctx.station);
    recheckHeldBack(ctx, firstSeq);
  }
  return stats;
}

/**
 * After local changes from `firstSeq` on: hold back this station's own earlier future stamps
 * (holdBack.ts; its clock was set back). Rows whose sort stamp changed are queued in
 * radiosync_parked, which the next apply merges again (capture cannot materialise rows itself).
 */
export function recheckHeldBack(ctx: StoreContext, firstSeq: number): void {
  const now = ctx.clock.now();
  for (const r of holdBack(ctx, ctx.station, firstSeq)) {
    if (!ctx.specs.has(r.tbl)) continue;
    stmt(ctx, 'INSERT OR IGNORE INTO radiosync_parked(tbl, id, reason, since) VALUES (?, ?, ?, ?)').run(r.tbl, Buffer.from(r.id), 'held back: merged again on the next apply', now);
  }
}
