/**
 * Write one row of an application table as the merge rule says it should be (see merge.ts), from
 * the changes held for it in the log. A row that cannot be written yet (a referenced parent has not
 * arrived, or a NOT NULL column has no value yet because only a later edit arrived) is parked and
 * retried on later applies; it never fails the changeset.
 */
import type { FieldValue } from '../changeset/Changeset.js';
import { quoteIdent, type TableSpec } from './tables.js';
import { stmt, rowChanges, type StoreContext } from './StoreContext.js';
import { mergeRow, type HeldChange, type RowState } from './merge.js';
import { bytesToUuid, isUuidBytes, uuidToBytes } from './uuid.js';
import { fromSqlite, jsonText, sameValue, toSqlite } from './values.js';
import { readAppRow } from './capture.js';
import { misfit } from './affinity.js';

export type MaterializeOutcome =
  | { status: 'written' | 'unchanged' | 'resurrected'; conflicts: number; unknownColumns: string[] }
  | { status: 'parked'; reason: string; conflicts: number; unknownColumns: string[] };

class Park extends Error {}

/** A reference field whose wire value is not a UUID: the field is not written (never guessed). */
class BadReference extends Error {
  constructor(readonly column: string) {
    super(column);
  }
}

function policyName(spec: TableSpec): string {
  return typeof spec.policy === 'string' ? spec.policy : `master:${spec.policy.master}`;
}

/** Wire value of a field → local value (FK UUID → local id). Throws Park when the parent is missing. */
function fieldToLocal(ctx: StoreContext, spec: TableSpec, column: string, v: FieldValue): FieldValue {
  const fk = spec.fks.get(column);
  if (fk === undefined || v === null) return v;
  if (!isUuidBytes(v)) throw new BadReference(column); // a reference travels as 16 bytes, nothing else
  const uuid = bytesToUuid(v, fk.uuidPrefix);
  const r = stmt(
    ctx,
    `SELECT ${quoteIdent(fk.targetColumn)} AS k FROM ${quoteIdent(fk.table)} WHERE ${quoteIdent(fk.uuidColumn)} = ?`,
    true,
  ).get(uuid) as { k: unknown } | undefined;
  if (r !== undefined) return fromSqlite(r.k);
  // A parent that is known to be deleted: the reference materialises as NULL (as ON DELETE SET
  // NULL would), the same at every station; it is restored if the parent is resurrected.
  const dead = stmt(ctx, 'SELECT 1 FROM radiosync_tombstone WHERE tbl = ? AND id = ?').get(fk.table, Buffer.from(v));
  if (dead !== undefined) return null;
  throw new Park(`parent ${fk.table} ${uuid}`);
}

/** Rows of synced tables that point at a row of `table` by local key; used before deleting it. */
function detachChildren(ctx: StoreContext, table: string, localKeys: Map<string, unknown>): void {
  for (const child of ctx.specs.values()) {
    for (const fk of child.fks.values()) {
      if (fk.table !== table) continue;
      const key = localKeys.get(fk.targetColumn);
      if (key === undefined || key === null) continue;
      stmt(ctx, `UPDATE ${quoteIdent(child.name)} SET ${quoteIdent(fk.column)} = NULL WHERE ${quoteIdent(fk.column)} = ?`).run(
        key,
      );
    }
  }
}

/** Synced rows whose reference into `table` is NULL locally: candidates to re-link after a resurrection. */
export function nullReferencers(ctx: StoreContext, table: string): Array<{ spec: TableSpec; id: Uint8Array }> {
  const out: Array<{ spec: TableSpec; id: Uint8Array }> = [];
  for (const child of ctx.specs.values()) {
    for (const fk of child.fks.values()) {
      if (fk.table !== table) continue;
      const rows = stmt(
        ctx,
        `SELECT ${quoteIdent(child.uuidColumn)} AS u FROM ${quoteIdent(child.name)} WHERE ${quoteIdent(fk.column)} IS NULL`,
      ).all() as Array<{ u: unknown }>;
      for (const r of rows) if (typeof r.u === 'string') out.push({ spec: child, id: uuidToBytes(r.u, child.uuidPrefix) });
    }
  }
  return out;
}

function recordConflicts(ctx: StoreContext, spec: TableSpec, id: Uint8Array, st: RowState): number {
  const ins = stmt(
    ctx,
    `INSERT OR IGNORE INTO radiosync_conflict(tbl, id, field, kind, policy, winner_origin, winner_seq, winner_hlc,
       winner_value, loser_origin, loser_seq, loser_hlc, loser_value, detected_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let n = 0;
  const now = ctx.clock.now();
  const idb = Buffer.from(id);
  for (const l of st.losses) {
    n += ins.run(
      spec.name, idb, l.field, 'field', policyName(spec),
      l.winner.origin, l.winner.seq, l.winner.hlc, jsonText(l.winner.fields[l.field] ?? null),
      l.loser.origin, l.loser.seq, l.loser.hlc, jsonText(l.loser.fields[l.field] ?? null), now,
    ).changes;
  }
  for (const b of st.blockedDeletes) {
    n += ins.run(
      spec.name, idb, '', 'delete', 'edit-beats-delete',
      b.winner.origin, b.winner.seq, b.winner.hlc, null,
      b.del.origin, b.del.seq, b.del.hlc, null, now,
    ).changes;
  }
  return n;
}

function imageJson(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );
}

function writeTombstone(ctx: StoreContext, spec: TableSpec, id: Uint8Array, image: string, by: HeldChange | null): void {
  stmt(
    ctx,
    `INSERT INTO radiosync_tombstone(tbl, id, image, origin, seq, hlc, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(tbl, id) DO UPDATE SET image = excluded.image, origin = excluded.origin, seq = excluded.seq,
       hlc = excluded.hlc, deleted_at = excluded.deleted_at`,
  ).run(spec.name, Buffer.from(id), image, by?.origin ?? null, by?.seq ?? null, by?.hlc ?? null, ctx.clock.now());
}

function isConstraintError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && String((e as { code?: unknown }).code ?? '').startsWith('SQLITE_CONSTRAINT');
}

/** The INSERT for a row with these fields, its text made once per table and column set. */
const inserts = new WeakMap<TableSpec, Map<string, string>>();
function insertSql(spec: TableSpec, want: Array<[string, FieldValue]>): string {
  let m = inserts.get(spec);
  if (m === undefined) inserts.set(spec, (m = new Map()));
  const key = want.map(([f]) => f).join('\u0000');
  let sql = m.get(key);
  if (sql === undefined) {
    const cols = [spec.uuidColumn, ...want.map(([f]) => f)];
    sql = `INSERT INTO ${quoteIdent(spec.name)}(${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
    // bounded: column sets are subsets of the table's columns, and in practice a handful
    if (m.size < 4096) m.set(key, sql);
  }
  return sql;
}

export interface MaterializeOptions {
  /** The row may be in radiosync_parked (default true); false skips clearing it. */
  mayBeParked?: boolean;
  /**
   * The table may hold tombstones of rows whose history has no delete (default true): a local
   * delete of a row never logged, or of an excluded one (capture.ts). False: only rows with a
   * delete in their history can have one.
   */
  unloggedTombstones?: boolean;
  /**
   * Every change the log holds for the row, when the caller has them in hand (a row new to the
   * log: the changes this apply just stored); otherwise they are read from the log.
   */
  held?: HeldChange[];
}

/**
 * Bring one application row in line with the log. Call inside a transaction with the capture
 * triggers silenced. A row that cannot be written leaves no partial write: a delete (several
 * statements) runs in a savepoint; an insert or an update is one statement, computed in full
 * before it runs, which SQLite undoes alone if it fails.
 */
export function materializeRow(ctx: StoreContext, spec: TableSpec, id: Uint8Array, opts: MaterializeOptions = {}): MaterializeOutcome {
  const changes = opts.held ?? rowChanges(ctx, spec.name, id);
  const st = mergeRow(changes, {
    policy: spec.policy,
    resolver: ctx.resolvers[spec.name],
    localStation: ctx.station,
    table: spec.name,
    id,
  });
  const conflicts = recordConflicts(ctx, spec, id, st);
  const unknownColumns = [...st.values.keys()].filter((f) => !spec.fields.includes(f));
  const uuid = bytesToUuid(id, spec.uuidPrefix);
  const t = quoteIdent(spec.name);
  const u = quoteIdent(spec.uuidColumn);
  const idb = Buffer.from(id);
  // a tombstone can exist for the row only if its history holds a delete (a delete is never
  // superseded by an upsert, supersede.ts) or the table has tombstones the log does not explain
  const mayHaveTombstone = opts.unloggedTombstones !== false || changes.some((c) => c.kind === 'delete');
  try {
    let status: 'written' | 'unchanged' | 'resurrected';
    if (st.alive) status = writeRow();
    else {
      // A savepoint (plain statements: a better-sqlite3 transaction wrapper per row is costly).
      stmt(ctx, 'SAVEPOINT radiosync_row').run();
      try {
        status = writeRow();
        stmt(ctx, 'RELEASE radiosync_row').run();
      } catch (e) {
        stmt(ctx, 'ROLLBACK TO radiosync_row').run();
        stmt(ctx, 'RELEASE radiosync_row').run();
        throw e;
      }
    }
    if (opts.mayBeParked !== false) stmt(ctx, 'DELETE FROM radiosync_parked WHERE tbl = ? AND id = ?').run(spec.name, idb);
    return { status, conflicts, unknownColumns };
  } catch (e) {
    if (!(e instanceof Park) && !isConstraintError(e)) throw e;
    const reason = e instanceof Park ? e.message : `constraint: ${(e as Error).message}`;
    stmt(
      ctx,
      `INSERT INTO radiosync_parked(tbl, id, reason, since) VALUES (?, ?, ?, ?)
       ON CONFLICT(tbl, id) DO UPDATE SET reason = excluded.reason`,
    ).run(spec.name, idb, reason, ctx.clock.now());
    return { status: 'parked', reason, conflicts, unknownColumns };
  }

  /**
   * The merged values in local form. A value whose type does not fit the column parks the row
   * (`strict`), or is left out (a delete must apply whatever the values).
   */
  function wanted(strict: boolean): Array<[string, FieldValue]> {
    const want: Array<[string, FieldValue]> = [];
    for (const [f, { value }] of st.values) {
      if (!spec.fields.includes(f)) continue; // pass-through: held in the log and relayed, not written
      let v: FieldValue;
      try {
        v = fieldToLocal(ctx, spec, f, value);
      } catch (e) {
        if (!(e instanceof BadReference)) throw e;
        if (!unknownColumns.includes(f)) unknownColumns.push(f);
        continue;
      }
      const why = misfit(spec.types.get(f) ?? '', v);
      if (why !== undefined && strict) throw new Park(`type: ${spec.name}.${f}: ${why}`);
      if (why === undefined) want.push([f, v]);
    }
    return want;
  }

  function writeRow(): 'written' | 'unchanged' | 'resurrected' {
    const cur = readAppRow(ctx, spec, uuid);
    const softDeleted = cur !== undefined && spec.deletedColumn !== null && Boolean(fromSqlite(cur[spec.deletedColumn]));
    if (!st.alive) {
      if (cur === undefined || softDeleted) {
        const had = stmt(ctx, 'SELECT 1 FROM radiosync_tombstone WHERE tbl = ? AND id = ?').get(spec.name, idb);
        if (had === undefined) {
          const img: Record<string, unknown> = {};
          for (const [f, { value }] of st.values) img[f] = value;
          writeTombstone(ctx, spec, id, imageJson(img), st.deletedBy);
        }
        return 'unchanged';
      }
      writeTombstone(ctx, spec, id, imageJson(cur), st.deletedBy);
      if (spec.deletedColumn !== null) {
        // The soft-deleted row keeps the values the log holds for it (what the deleting write set
        // beside the flag, such as Eden's deleted_fk); a value that does not fit is left as it is.
        // If the application's constraints refuse those values, the flag alone is set.
        const set = wanted(false).filter(([f, v]) => !sameValue(fromSqlite(cur[f]), v));
        const flagOnly = `UPDATE ${t} SET ${quoteIdent(spec.deletedColumn)} = 1 WHERE ${u} = ?`;
        if (set.length === 0) stmt(ctx, flagOnly).run(uuid);
        else {
          try {
            stmt(ctx, `UPDATE ${t} SET ${set.map(([f]) => `${quoteIdent(f)} = ?`).join(', ')}, ${quoteIdent(spec.deletedColumn)} = 1 WHERE ${u} = ?`).run(
              ...set.map(([, v]) => toSqlite(v)),
              uuid,
            );
          } catch (e) {
            if (!isConstraintError(e)) throw e;
            stmt(ctx, flagOnly).run(uuid);
          }
        }
      } else {
        detachChildren(ctx, spec.name, new Map(Object.entries(cur)));
        stmt(ctx, `DELETE FROM ${t} WHERE ${u} = ?`).run(uuid);
      }
      return 'written';
    }
    const want = wanted(true);
    if (spec.deletedColumn !== null) want.push([spec.deletedColumn, 0]);
    if (cur === undefined) {
      stmt(ctx, insertSql(spec, want)).run(
        uuid,
        ...want.map(([, v]) => toSqlite(v)),
      );
      const wasDead = mayHaveTombstone && stmt(ctx, 'DELETE FROM radiosync_tombstone WHERE tbl = ? AND id = ?').run(spec.name, idb).changes > 0;
      return wasDead ? 'resurrected' : 'written';
    }
    const diff = want.filter(([f, v]) => !sameValue(fromSqlite(cur[f]), v));
    if (diff.length === 0) return 'unchanged';
    stmt(ctx, `UPDATE ${t} SET ${diff.map(([f]) => `${quoteIdent(f)} = ?`).join(', ')} WHERE ${u} = ?`).run(
      ...diff.map(([, v]) => toSqlite(v)),
      uuid,
    );
    if (softDeleted) {
      stmt(ctx, 'DELETE FROM radiosync_tombstone WHERE tbl = ? AND id = ?').run(spec.name, idb);
      return 'resurrected';
    }
    return 'written';
  }
}
