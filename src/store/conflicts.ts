/**
 * Conflicts kept in `radiosync_conflict`: list them, show one, resolve one.
 *
 * A conflict's state is derived from the log, never stored apart from it:
 * - `open`: nothing held for the row has seen both values yet;
 * - `resolved`: a later change held for the row has both the winner and the loser in its causal
 *   context (for a field conflict: a change that sets the field). It is named in `resolvedBy`.
 *   `resolveConflict` makes such a change here; the same change settles the conflict at every
 *   station it reaches, and an ordinary application edit made after both values arrived does too.
 *
 * Resolving is an ordinary edit: the application row is written with the triggers live (or, for
 * "keep the winner", the field is marked changed), then captured like any other write. It gets this
 * station's next seq, an HLC tick, and the row's causal context, so it syncs as any edit does and
 * wins everywhere (it causally follows both values; no conflict policy is consulted).
 */
import type { FieldValue, StationId } from '../changeset/Changeset.js';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import { rowChanges, stmt, type StoreContext } from './StoreContext.js';
import { quoteIdent, type TableSpec } from './tables.js';
import { bytesToUuid, isUuidBytes, uuidToBytes } from './uuid.js';
import { fromJsonValue, fromSqlite, toJsonValue, toSqlite, type JsonValue } from './values.js';
import { covers } from './vv.js';
import { misfit } from './affinity.js';
import { ingestCaptures, readAppRow } from './capture.js';

/** At most this many conflicts per list (the table is never trimmed; page with `afterId`). */
export const MAX_CONFLICTS_LISTED = 1000;

export type ConflictState = 'open' | 'resolved';

export interface ConflictRecord {
  /** Stable id here (the table's row number): `conflicts show <id>`, `conflicts resolve <id>`. */
  n: number;
  table: string;
  /** The row's UUID as text. */
  id: string;
  /** The field ('' for an edit-beats-delete conflict). */
  field: string;
  kind: 'field' | 'delete';
  policy: string;
  winner: { origin: string | null; seq: number | null; value: JsonValue };
  loser: { origin: string; seq: number; value: JsonValue };
  detectedAt: number;
  state: ConflictState;
  /** The change that saw both values (origin, seq), when resolved. */
  resolvedBy: { origin: StationId; seq: number } | null;
}

export interface ConflictDetail extends ConflictRecord {
  /** The field's value in the application table now (null when the row is gone). */
  current: JsonValue;
  /** Whether the row exists in the application table here (and is not soft-deleted). */
  rowPresent: boolean;
}

export interface ListConflictsOptions {
  /** Only open ones (default false: all). */
  open?: boolean;
  table?: string;
  /** Page: conflicts with n > afterId. */
  afterId?: number;
  /** Default and maximum {@link MAX_CONFLICTS_LISTED}. */
  limit?: number;
}

/**
 * Keep the winner, take the loser, or set a value: a field value, or its JSON form as in the
 * export (`{"$uuid": …}` for a reference, `{"$base64": …}`, `{"$int": "…"}`). A reference may also
 * be given as the referenced row's UUID text.
 */
export type ConflictResolution = { keep: 'winner' } | { keep: 'loser' } | { value: FieldValue | JsonValue };

export interface ResolveResult {
  conflict: ConflictRecord;
  /** The value the field holds now (for a delete conflict: null). */
  value: JsonValue;
  /** Local changes recorded by the resolution (1, or 0 when it only re-marked the row). */
  changes: number;
}

interface ConflictRow {
  n: number;
  tbl: string;
  id: Uint8Array;
  field: string;
  kind: string;
  policy: string;
  winner_origin: string | null;
  winner_seq: number | null;
  winner_value: string | null;
  loser_origin: string;
  loser_seq: number;
  loser_value: string | null;
  detected_at: number;
}

function parseValue(v: string | null): JsonValue {
  return typeof v === 'string' ? (JSON.parse(v) as JsonValue) : null;
}

/** A reference value kept as its UUID bytes shows as `{"$uuid": …}`, as in the JSON export. */
function shown(ctx: StoreContext, tbl: string, field: string, v: JsonValue): JsonValue {
  const fk = ctx.specs.get(tbl)?.fks.get(field);
  if (fk === undefined || v === null) return v;
  const fv = fromJsonValue(v);
  return isUuidBytes(fv) ? { $uuid: bytesToUuid(fv, fk.uuidPrefix) } : v;
}

function settledBy(ctx: StoreContext, r: ConflictRow): { origin: StationId; seq: number } | null {
  const winner = r.winner_origin !== null && r.winner_seq !== null ? { origin: r.winner_origin, seq: r.winner_seq } : null;
  const loser = { origin: r.loser_origin, seq: r.loser_seq };
  for (const c of rowChanges(ctx, r.tbl, r.id)) {
    if (r.kind === 'field' && (c.kind !== 'upsert' || !(r.field in c.fields))) continue;
    if (covers(c.ctx, loser) && (winner === null || covers(c.ctx, winner))) return { origin: c.origin, seq: c.seq };
  }
  return null;
}

function toRecord(ctx: StoreContext, r: ConflictRow): ConflictRecord {
  const spec = ctx.specs.get(r.tbl);
  const by = settledBy(ctx, r);
  return {
    n: Number(r.n),
    table: r.tbl,
    id: bytesToUuid(r.id, spec?.uuidPrefix ?? ''),
    field: r.field,
    kind: r.kind === 'delete' ? 'delete' : 'field',
    policy: r.policy,
    winner: { origin: r.winner_origin, seq: r.winner_seq === null ? null : Number(r.winner_seq), value: shown(ctx, r.tbl, r.field, parseValue(r.winner_value)) },
    loser: { origin: r.loser_origin, seq: Number(r.loser_seq), value: shown(ctx, r.tbl, r.field, parseValue(r.loser_value)) },
    detectedAt: Number(r.detected_at),
    state: by === null ? 'open' : 'resolved',
    resolvedBy: by,
  };
}

function notFound(n: number): Error {
  return makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFLICT_NOT_FOUND', `no conflict with id ${n} (see \`radiosync conflicts\`)`, { id: n });
}

function rawConflict(ctx: StoreContext, n: number): ConflictRow {
  if (!Number.isSafeInteger(n) || n < 1) throw notFound(n);
  const r = stmt(ctx, 'SELECT * FROM radiosync_conflict WHERE n = ?').get(n) as ConflictRow | undefined;
  if (r === undefined) throw notFound(n);
  return r;
}

export function listConflicts(ctx: StoreContext, opts: ListConflictsOptions = {}): ConflictRecord[] {
  const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? MAX_CONFLICTS_LISTED)), MAX_CONFLICTS_LISTED);
  const where = ['n > ?'];
  const args: unknown[] = [opts.afterId ?? 0];
  if (opts.table !== undefined) {
    where.push('tbl = ?');
    args.push(opts.table);
  }
  const out: ConflictRecord[] = [];
  // Read in pages so that filtering on the derived state still returns up to `limit`.
  let after = opts.afterId ?? 0;
  for (;;) {
    args[0] = after;
    const rows = stmt(ctx, `SELECT * FROM radiosync_conflict WHERE ${where.join(' AND ')} ORDER BY n LIMIT ?`).all(...args, limit) as ConflictRow[];
    for (const r of rows) {
      const rec = toRecord(ctx, r);
      if (opts.open === true && rec.state !== 'open') continue;
      out.push(rec);
      if (out.length >= limit) return out;
    }
    if (rows.length < limit) return out;
    after = Number(rows[rows.length - 1]!.n);
  }
}

function liveRow(ctx: StoreContext, spec: TableSpec, uuid: string): Record<string, unknown> | undefined {
  const row = readAppRow(ctx, spec, uuid);
  if (row === undefined) return undefined;
  if (spec.deletedColumn !== null && Boolean(fromSqlite(row[spec.deletedColumn]))) return undefined;
  return row;
}

export function showConflict(ctx: StoreContext, n: number): ConflictDetail {
  const r = rawConflict(ctx, n);
  const rec = toRecord(ctx, r);
  const spec = ctx.specs.get(r.tbl);
  const row = spec === undefined ? undefined : liveRow(ctx, spec, rec.id);
  let current: JsonValue = null;
  if (row !== undefined && spec !== undefined && r.kind === 'field') {
    const v = fromSqlite(row[r.field]);
    const fk = spec.fks.get(r.field);
    current = fk !== undefined && v !== null ? shown(ctx, r.tbl, r.field, toJsonValue(wireRef(ctx, spec, r.field, v))) : toJsonValue(v);
  }
  return { ...rec, current, rowPresent: row !== undefined };
}

/** Local reference value → the referenced row's UUID bytes (or the value itself when not found). */
function wireRef(ctx: StoreContext, spec: TableSpec, column: string, v: FieldValue): FieldValue {
  const fk = spec.fks.get(column)!;
  if (fk.targetColumn === fk.uuidColumn) return typeof v === 'string' ? uuidToBytes(v, fk.uuidPrefix) : v;
  const r = stmt(ctx, `SELECT ${quoteIdent(fk.uuidColumn)} AS u FROM ${quoteIdent(fk.table)} WHERE ${quoteIdent(fk.targetColumn)} = ?`).get(toSqlite(v)) as
    | { u: unknown }
    | undefined;
  return typeof r?.u === 'string' ? uuidToBytes(r.u, fk.uuidPrefix) : v;
}

function jsonInput(v: JsonValue): FieldValue {
  const keys = v !== null && typeof v === 'object' ? Object.keys(v) : [];
  if (keys.length !== 1 || !['$uuid', '$base64', '$int'].includes(keys[0]!)) {
    throw badValue('an object value must be {"$uuid": …}, {"$base64": …} or {"$int": "…"}', { value: v });
  }
  try {
    return fromJsonValue(v);
  } catch (e) {
    throw badValue(`not a valid ${keys[0]} value`, { value: v }, e);
  }
}

function badValue(message: string, data: Record<string, unknown>, cause?: unknown): Error {
  return makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFLICT_BAD_VALUE', message, data, cause);
}

/** A field value as it travels (references as UUID bytes) → the local value to write. */
function toLocal(ctx: StoreContext, spec: TableSpec, column: string, v: FieldValue): FieldValue {
  const fk = spec.fks.get(column);
  if (fk === undefined || v === null) return v;
  let bytes: Uint8Array;
  if (isUuidBytes(v)) bytes = v;
  else if (typeof v === 'string') {
    try {
      bytes = uuidToBytes(v, fk.uuidPrefix);
    } catch {
      throw badValue(`${spec.name}.${column} references ${fk.table}: give the referenced row's UUID, not ${JSON.stringify(v)}`, { table: spec.name, field: column });
    }
  } else throw badValue(`${spec.name}.${column} references ${fk.table}: give the referenced row's UUID`, { table: spec.name, field: column });
  const uuid = bytesToUuid(bytes, fk.uuidPrefix);
  const r = stmt(ctx, `SELECT ${quoteIdent(fk.targetColumn)} AS k FROM ${quoteIdent(fk.table)} WHERE ${quoteIdent(fk.uuidColumn)} = ?`, true).get(uuid) as
    | { k: unknown }
    | undefined;
  if (r === undefined) throw badValue(`${spec.name}.${column}: no ${fk.table} row with UUID ${uuid} here`, { table: spec.name, field: column, uuid });
  return fromSqlite(r.k);
}

/**
 * Resolve a conflict by an ordinary local edit (see the file comment). Throws
 * RS_ERR_STORE_CONFLICT_NOT_FOUND, RS_ERR_STORE_CONFLICT_BAD_VALUE (a value that does not fit the
 * column, a reference to a row not held here, a value for a delete conflict) or
 * RS_ERR_STORE_CONFLICT_ROW_GONE (the row is no longer in the application table). Nothing is
 * written when it throws.
 */
export function resolveConflict(ctx: StoreContext, n: number, how: ConflictResolution): ResolveResult {
  return ctx.db.transaction((): ResolveResult => {
    ingestCaptures(ctx); // the application's own pending writes come first
    const r = rawConflict(ctx, n);
    const spec = ctx.specs.get(r.tbl);
    const uuid = bytesToUuid(r.id, spec?.uuidPrefix ?? '');
    if (spec === undefined) {
      throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFLICT_ROW_GONE', `table ${r.tbl} is not synced here any more`, { id: n, table: r.tbl });
    }
    const row = liveRow(ctx, spec, uuid);
    const t = quoteIdent(spec.name);
    const u = quoteIdent(spec.uuidColumn);
    const seqBefore = stmt(ctx, "SELECT value FROM radiosync_meta WHERE key = 'seq'").get() as { value: unknown } | undefined;
    const mark = (cols: string[]): void => {
      // The triggers see no change when the value stays the same: mark the row changed, so the
      // capture records an edit that has seen both values (exactly what an UPDATE would record).
      stmt(ctx, `INSERT INTO radiosync_capture(tbl, op, uuid, cols) VALUES (?, 'u', ?, ?)`).run(spec.name, uuid, JSON.stringify(cols));
    };
    let value: JsonValue = null;
    if (r.kind === 'delete') {
      if ('value' in how) throw badValue('a delete conflict is resolved with --keep-winner (keep the row) or --take-loser (delete it), not a value', { id: n });
      if (row === undefined) throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFLICT_ROW_GONE', `${spec.name} ${uuid} is no longer here`, { id: n, table: spec.name, uuid });
      if (how.keep === 'winner') mark(spec.fields);
      else stmt(ctx, `DELETE FROM ${t} WHERE ${u} = ?`).run(uuid);
    } else {
      if (row === undefined) throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFLICT_ROW_GONE', `${spec.name} ${uuid} is no longer here (deleted)`, { id: n, table: spec.name, uuid });
      if (!spec.fields.includes(r.field)) throw badValue(`${spec.name}.${r.field} is not a synced column here any more`, { id: n, field: r.field });
      let wire: FieldValue | undefined;
      if ('value' in how) wire = how.value !== null && typeof how.value === 'object' && !(how.value instanceof Uint8Array) ? jsonInput(how.value) : how.value;
      else if (how.keep === 'loser') wire = fromJsonValue(parseValue(r.loser_value));
      if (wire !== undefined) {
        const local = toLocal(ctx, spec, r.field, wire);
        const why = misfit(spec.types.get(r.field) ?? '', local);
        if (why !== undefined) throw badValue(`${spec.name}.${r.field}: ${why}`, { id: n, field: r.field });
        try {
          stmt(ctx, `UPDATE ${t} SET ${quoteIdent(r.field)} = ? WHERE ${u} = ?`).run(toSqlite(local), uuid);
        } catch (e) {
          if (String((e as { code?: unknown }).code ?? '').startsWith('SQLITE_CONSTRAINT')) {
            throw badValue(`${spec.name}.${r.field}: the database refused the value (${(e as Error).message})`, { id: n, field: r.field }, e);
          }
          throw e;
        }
      }
      mark([r.field]);
      const now = readAppRow(ctx, spec, uuid)!;
      const v = fromSqlite(now[r.field]);
      value = spec.fks.has(r.field) && v !== null ? shown(ctx, r.tbl, r.field, toJsonValue(wireRef(ctx, spec, r.field, v))) : toJsonValue(v);
    }
    ingestCaptures(ctx);
    const seqAfter = stmt(ctx, "SELECT value FROM radiosync_meta WHERE key = 'seq'").get() as { value: unknown } | undefined;
    return { conflict: toRecord(ctx, r), value, changes: Number(seqAfter?.value ?? 0) - Number(seqBefore?.value ?? 0) };
  }).immediate();
}
