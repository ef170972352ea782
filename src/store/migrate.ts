/**
 * Schema migrations of the application's tables, detected when a store opens, before each
 * capture (SQLite's schema cookie moved), or by `radiosync migrate` (docs/records.md §3a).
 *
 * A table needs migrating when its capture triggers differ from the ones its columns call for now:
 * a column was added (the triggers do not watch it), renamed (SQLite rewrote the triggers), or
 * dropped, or the table was rebuilt (the triggers went with the old table), or the triggers are
 * from an older radiosync. Then, in one transaction:
 *
 * 1. a column radiosync uses (the UUID, soft-delete, local or foreign-key column) that is gone is
 *    refused: RS_ERR_STORE_MIGRATION, nothing changed;
 * 2. the triggers are made again from the table as it is;
 * 3. local edits already captured (by the old triggers) are taken into the log;
 * 4. writes the old triggers could not see are found by comparing the table with the log: the new
 *    columns' values (a value equal to the column's default is not an edit), and, after a rebuild,
 *    every column and every row inserted or deleted meanwhile. They become ordinary local changes;
 * 5. rows whose held changes carry values for a column this station only now has are written
 *    (values that arrived while it lacked the column waited in the log), merged with those edits.
 * A renamed column is recorded (radiosync_renamed): values a peer still sends under the old name
 * count for the new one (StoreContext.rowChanges).
 */
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import { installedColumns, installedTriggerSql, installTriggers, triggerSql } from './schema.js';
import { quoteIdent, resolveTableSpec, UUID_TEXT, type TableOptions, type TableSpec } from './tables.js';
import { recordColumnRenames, rowChanges, silently, stmt, type StoreContext } from './StoreContext.js';
import { materializeRow } from './materialize.js';
import { mergeRow } from './merge.js';
import { fkToWire, ingestCaptures } from './capture.js';
import { fromSqlite, sameValue } from './values.js';
import { bytesToUuid, uuidToBytes } from './uuid.js';
import type { FieldValue } from '../changeset/Changeset.js';

export interface TableMigration {
  table: string;
  added: string[];
  dropped: string[];
  renamed: Array<{ from: string; to: string }>;
  /** The triggers were gone (the table was rebuilt): the whole table was compared with the log. */
  rebuilt: boolean;
  /** Rows written from values held in the log for columns this station did not have. */
  rowsApplied: number;
  /** Local changes found by comparing the table with the log. */
  changesFound: number;
}

function migrationError(message: string, data: Record<string, unknown>): Error {
  return makeError(STORE_ERRORS, 'RS_ERR_STORE_MIGRATION', message, data);
}

/** Columns of `opts` radiosync itself relies on, with the option naming each. */
function usedColumns(opts: TableOptions, known: TableSpec | undefined): Array<{ column: string; option: string }> {
  const out = [{ column: opts.uuidColumn ?? 'uuid', option: 'uuidColumn' }];
  if (opts.deletedColumn) out.push({ column: opts.deletedColumn, option: 'deletedColumn' });
  for (const c of opts.localColumns ?? []) out.push({ column: c, option: 'localColumns' });
  const fks = opts.foreignKeys !== undefined ? Object.keys(opts.foreignKeys) : [...(known?.fks.keys() ?? [])];
  for (const c of fks) out.push({ column: c, option: 'foreignKeys' });
  return out;
}

/** Renames SQLite applied to our update trigger: `CASE WHEN OLD."new" IS NOT NEW."new" THEN 'old' END`. */
function renamesIn(sql: string, dropped: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const from of dropped) {
    const lit = `'${from.replace(/'/g, "''")}'`;
    const re = new RegExp(`CASE WHEN OLD\\.("(?:[^"]|"")+"|\\w+) IS NOT NEW\\.\\1 THEN ${lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} END`);
    const m = re.exec(sql);
    if (m) out.set(from, m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
  }
  return out;
}

/** Tables whose triggers differ from the ones their columns call for now (cheap: no writes). */
export function tablesToMigrate(ctx: StoreContext, all: readonly TableOptions[]): string[] {
  const out: string[] = [];
  for (const t of all) {
    let spec: TableSpec;
    try {
      spec = resolveTableSpec(ctx.db, t, all);
    } catch {
      out.push(t.name); // a column it uses is gone: migrateTables says which
      continue;
    }
    if (installedTriggerSql(ctx.db, t.name).join('\n') !== triggerSql(spec).join('\n')) out.push(t.name);
  }
  return out;
}

function columnDefaults(ctx: StoreContext, table: string): Map<string, FieldValue> {
  const rows = ctx.db.prepare('SELECT name, dflt_value AS d FROM pragma_table_info(?)').all(table) as Array<{ name: string; d: string | null }>;
  const out = new Map<string, FieldValue>();
  for (const r of rows) {
    if (r.d === null) continue;
    try {
      out.set(r.name, fromSqlite((ctx.db.prepare(`SELECT ${r.d} AS v`).get() as { v: unknown }).v));
    } catch {
      // a default that is not a constant expression (CURRENT_TIMESTAMP is, a function call may not be): compare as no default
    }
  }
  return out;
}

/** Step 4: writes the triggers did not see, queued as captures. Returns how many rows. */
function compareWithLog(ctx: StoreContext, spec: TableSpec, columns: readonly string[] | 'all'): number {
  const check = columns === 'all' ? spec.fields : spec.fields.filter((f) => columns.includes(f));
  if (check.length === 0 && columns !== 'all') return 0;
  const defaults = columnDefaults(ctx, spec.name);
  const capture = stmt(ctx, 'INSERT INTO radiosync_capture(tbl, op, uuid, cols) VALUES (?, ?, ?, ?)');
  let n = 0;
  const seen = new Set<string>();
  for (const row of ctx.db.prepare(`SELECT * FROM ${quoteIdent(spec.name)}`).all() as Array<Record<string, unknown>>) {
    const uuid = row[spec.uuidColumn];
    if (typeof uuid !== 'string') continue;
    const body = spec.uuidPrefix && uuid.startsWith(spec.uuidPrefix) ? uuid.slice(spec.uuidPrefix.length) : uuid;
    if (!UUID_TEXT.test(body)) continue;
    seen.add(body);
    const id = uuidToBytes(uuid, spec.uuidPrefix);
    const held = rowChanges(ctx, spec.name, id);
    const st = held.length === 0 ? undefined : mergeRow(held, { policy: spec.policy, localStation: ctx.station, table: spec.name, id, ...(ctx.resolvers[spec.name] ? { resolver: ctx.resolvers[spec.name] } : {}) });
    if (st === undefined || !st.alive) {
      if (columns === 'all') {
        capture.run(spec.name, 'i', uuid, null);
        n++;
      }
      continue;
    }
    const differ: string[] = [];
    for (const f of check) {
      const local = fkToWire(ctx, spec, f, fromSqlite(row[f]));
      if (local === undefined) continue;
      const merged = st.values.get(f);
      const d = defaults.get(f) ?? null;
      const isDefault = local === null || sameValue(local, d);
      // In a column this station only now has, the default is not an edit: a value waiting in the
      // log for it (from a peer) is written next (step 5), not overwritten.
      if (merged === undefined || columns !== 'all') {
        if (!isDefault && (merged === undefined || !sameValue(local, merged.value))) differ.push(f);
      } else if (!sameValue(local, merged.value)) differ.push(f);
    }
    if (differ.length > 0) {
      capture.run(spec.name, 'u', uuid, JSON.stringify(differ));
      n++;
    }
  }
  if (columns === 'all') {
    // rows deleted while no trigger watched
    for (const r of stmt(ctx, 'SELECT DISTINCT id FROM radiosync_log WHERE tbl = ?').all(spec.name) as Array<{ id: Uint8Array }>) {
      const uuid = bytesToUuid(new Uint8Array(r.id), spec.uuidPrefix);
      const body = uuid.slice(spec.uuidPrefix.length);
      if (seen.has(body)) continue;
      const st = mergeRow(rowChanges(ctx, spec.name, new Uint8Array(r.id)), { policy: spec.policy, localStation: ctx.station, table: spec.name, id: new Uint8Array(r.id) });
      if (!st.alive) continue;
      capture.run(spec.name, 'd', uuid, null);
      n++;
    }
  }
  return n;
}

/** Captures made by the renamed triggers still name the old column (SQLite does not rewrite string literals). */
function renamePending(ctx: StoreContext, table: string, renames: ReadonlyMap<string, string>): void {
  if (renames.size === 0) return;
  const rows = stmt(ctx, "SELECT n, cols FROM radiosync_capture WHERE tbl = ? AND cols IS NOT NULL").all(table) as Array<{ n: number; cols: string }>;
  const set = stmt(ctx, 'UPDATE radiosync_capture SET cols = ? WHERE n = ?');
  for (const r of rows) {
    const cols = (JSON.parse(r.cols) as Array<string | null>).map((c) => (c !== null && renames.has(c) ? renames.get(c)! : c));
    set.run(JSON.stringify(cols), r.n);
  }
}

/** Step 5: rows holding values (in the log) for columns this station only now has. */
function applyWaitingValues(ctx: StoreContext, spec: TableSpec, added: readonly string[]): number {
  if (added.length === 0) return 0;
  let n = 0;
  silently(ctx, () => {
    for (const r of stmt(ctx, 'SELECT DISTINCT id FROM radiosync_log WHERE tbl = ?').all(spec.name) as Array<{ id: Uint8Array }>) {
      const id = new Uint8Array(r.id);
      if (!rowChanges(ctx, spec.name, id).some((c) => added.some((a) => Object.prototype.hasOwnProperty.call(c.fields, a)))) continue;
      const o = materializeRow(ctx, spec, id);
      if (o.status === 'written' || o.status === 'resurrected') n++;
    }
  });
  return n;
}

/**
 * Migrate every table that needs it (see the file comment) and set `ctx.specs` from the tables as
 * they are. Call inside a write transaction. Returns one entry per migrated table.
 */
export function migrateTables(ctx: StoreContext, all: readonly TableOptions[]): TableMigration[] {
  const found: Array<{ spec: TableSpec; added: string[]; fresh: string[]; m: TableMigration }> = [];
  for (const t of all) {
    const cols = (ctx.db.prepare('SELECT name FROM pragma_table_info(?)').all(t.name) as Array<{ name: string }>).map((r) => r.name);
    if (cols.length === 0) throw migrationError(`table ${t.name} is gone from the database; remove it from the synced tables first`, { table: t.name, option: 'name' });
    for (const u of usedColumns(t, ctx.specs.get(t.name))) {
      if (!cols.includes(u.column)) {
        throw migrationError(`table ${t.name} no longer has column ${u.column}, which radiosync uses (${u.option}); restore it, or change that setting first; nothing was changed`, {
          table: t.name,
          column: u.column,
          option: u.option,
        });
      }
    }
    const spec = resolveTableSpec(ctx.db, t, all);
    const actual = installedTriggerSql(ctx.db, t.name);
    if (actual.join('\n') !== triggerSql(spec).join('\n')) {
      const known = installedColumns(ctx.db, t.name) ?? spec.columns;
      const dropped = known.filter((c) => !spec.columns.includes(c));
      const renames = renamesIn(actual[1] ?? '', dropped);
      const added = spec.columns.filter((c) => !known.includes(c));
      const rebuilt = actual.some((s) => s === '');
      installTriggers(ctx.db, spec);
      ctx.specs.set(spec.name, spec);
      renamePending(ctx, spec.name, renames);
      recordColumnRenames(ctx, spec.name, renames);
      const fresh = added.filter((c) => ![...renames.values()].includes(c));
      found.push({
        spec,
        added,
        fresh,
        m: {
          table: t.name,
          added: fresh,
          dropped: dropped.filter((c) => !renames.has(c)),
          renamed: [...renames].map(([from, to]) => ({ from, to })),
          rebuilt,
          rowsApplied: 0,
          changesFound: 0,
        },
      });
    }
    ctx.specs.set(spec.name, spec);
  }
  if (found.length === 0) return [];
  // Local edits the old triggers did capture become log entries first, then the writes they could
  // not see (step 4): writing the waiting values (step 3) then merges with every local edit and
  // cannot undo one.
  ingestCaptures(ctx);
  for (const f of found) {
    // A renamed column holds the values already synced under its old name: not new edits.
    f.m.changesFound = compareWithLog(ctx, f.spec, f.m.rebuilt ? 'all' : f.fresh);
  }
  if (found.some((f) => f.m.changesFound > 0)) ingestCaptures(ctx);
  for (const f of found) f.m.rowsApplied = applyWaitingValues(ctx, f.spec, f.added);
  return found.map((f) => f.m);
}
