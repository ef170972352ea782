/**
 * radiosync's own tables and capture triggers, created inside the application's SQLite file so
 * that applying a changeset, recording its hash and advancing the cursor are one transaction.
 *
 * | table | holds |
 * |---|---|
 * | `radiosync_meta` | station id, store schema version, HLC, last local seq |
 * | `radiosync_state` | one row: `applying` = 1 while radiosync writes (the triggers then stay silent) |
 * | `radiosync_tables` | the options of each synced table (JSON) |
 * | `radiosync_capture` | what the triggers saw, until it is turned into log entries |
 * | `radiosync_log` | every row change (local and received), kept for relaying to any peer |
 * | `radiosync_vv` | per origin, the highest seq held contiguously (this station's version vector) |
 * | `radiosync_peer` | peers, in the spirit of Sahana's `sync_instance`, with the acknowledged VV |
 * | `radiosync_applied` | hashes of applied changesets (exactly-once) |
 * | `radiosync_parked` | rows that wait for a parent (or other missing data) |
 * | `radiosync_tombstone` | last image of each deleted row, for audit |
 * | `radiosync_conflict` | both values of every conflict, never dropped silently |
 * | `radiosync_origin_sig` | origin signatures over chain heads (origin, seq), forwarded with the origin's rows |
 * | `radiosync_refused` | runs of changes refused on arrival (bad signature, own origin, gap…), with the error; the last {@link MAX_REFUSED_KEPT} |
 * | `radiosync_waiting` | runs that arrived ahead of a gap in their origin's seqs, until it fills (waitingRuns.ts) |
 * | `radiosync_relay` | per sender, rows and bytes held only for relaying (tables not synced here), against the relay quota |
 *
 * Log columns added in store schema 2: `chain` (the origin's hash chain at this seq, filled lazily: received changes get theirs as they are checked, this station's own only at the head of each run it sends; chainAt computes any other from the nearest stored one before it),
 * `kept` (0: a relay-only row past the sender's quota, whose fields were not kept) and `wire_hlc`
 * (the stamp as signed by the origin when `hlc` was held back because it was too far ahead).
 * `radiosync_capture.at` (also schema 2, added when missing): when the application wrote.
 * The log's row index `radiosync_log_leaf` (tbl, id, origin, seq, hlc) covers the digest's scan;
 * it replaced `radiosync_log_row` (tbl, id), which opening an older store drops.
 */
import type Database from 'better-sqlite3';
import { quoteIdent, type TableSpec } from './tables.js';
import { STORE_PREFIX } from './limits.js';

export const STORE_DDL = `
CREATE TABLE IF NOT EXISTS radiosync_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_state(applying INTEGER NOT NULL);
INSERT INTO radiosync_state(applying) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM radiosync_state);
CREATE TABLE IF NOT EXISTS radiosync_tables(name TEXT PRIMARY KEY, options TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_capture(
  n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL, uuid, old_uuid, cols TEXT, image TEXT, at INTEGER);
CREATE TABLE IF NOT EXISTS radiosync_log(
  n INTEGER PRIMARY KEY, origin TEXT NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL, id BLOB NOT NULL,
  hlc INTEGER NOT NULL, kind TEXT NOT NULL, fields BLOB, ctx TEXT, received INTEGER NOT NULL,
  chain BLOB, kept INTEGER NOT NULL DEFAULT 1, wire_hlc INTEGER,
  UNIQUE(origin, seq));
CREATE INDEX IF NOT EXISTS radiosync_log_leaf ON radiosync_log(tbl, id, origin, seq, hlc);
CREATE INDEX IF NOT EXISTS radiosync_log_hlc ON radiosync_log(hlc);
CREATE INDEX IF NOT EXISTS radiosync_log_origin_hlc ON radiosync_log(origin, hlc);
CREATE TABLE IF NOT EXISTS radiosync_vv(origin TEXT PRIMARY KEY, upto INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_peer(
  station TEXT PRIMARY KEY, callsign TEXT, owner TEXT, contact TEXT, url TEXT, public_key BLOB,
  acked TEXT NOT NULL DEFAULT '{}', last_sync INTEGER, sync_count INTEGER NOT NULL DEFAULT 0,
  clock_flag TEXT, clock_offset_ms INTEGER, first_seen INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_applied(
  hash BLOB PRIMARY KEY, sender TEXT, applied_at INTEGER, changes INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_parked(
  tbl TEXT NOT NULL, id BLOB NOT NULL, reason TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY(tbl, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_tombstone(
  tbl TEXT NOT NULL, id BLOB NOT NULL, image TEXT, origin TEXT, seq INTEGER, hlc INTEGER, deleted_at INTEGER,
  PRIMARY KEY(tbl, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_conflict(
  n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, id BLOB NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL,
  policy TEXT NOT NULL, winner_origin TEXT, winner_seq INTEGER, winner_hlc INTEGER, winner_value TEXT,
  loser_origin TEXT NOT NULL, loser_seq INTEGER NOT NULL, loser_hlc INTEGER, loser_value TEXT,
  detected_at INTEGER NOT NULL, UNIQUE(tbl, id, field, loser_origin, loser_seq));
CREATE TABLE IF NOT EXISTS radiosync_origin_sig(
  origin TEXT NOT NULL, seq INTEGER NOT NULL, sig BLOB NOT NULL, PRIMARY KEY(origin, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_refused(
  n INTEGER PRIMARY KEY, sender TEXT NOT NULL, origin TEXT NOT NULL, first_seq INTEGER, last_seq INTEGER,
  rows INTEGER NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS radiosync_waiting(
  n INTEGER PRIMARY KEY, sender TEXT NOT NULL, origin TEXT NOT NULL, first_seq INTEGER NOT NULL,
  changes BLOB NOT NULL, sig BLOB NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS radiosync_renamed(
  tbl TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY(tbl, old)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS radiosync_relay(
  sender TEXT PRIMARY KEY, rows INTEGER NOT NULL, bytes INTEGER NOT NULL) WITHOUT ROWID;
`;

/** Refused runs remembered for `status` (older ones are dropped). */
export const MAX_REFUSED_KEPT = 256;

/** Bring a store schema 1 database to 2 (new log columns). Idempotent; call inside a transaction. */
export function migrateStore(db: Database.Database): void {
  const cols = new Set((db.prepare(`SELECT name FROM pragma_table_info('radiosync_log')`).all() as Array<{ name: string }>).map((r) => r.name));
  if (!cols.has('chain')) db.exec('ALTER TABLE radiosync_log ADD COLUMN chain BLOB');
  if (!cols.has('kept')) db.exec('ALTER TABLE radiosync_log ADD COLUMN kept INTEGER NOT NULL DEFAULT 1');
  if (!cols.has('wire_hlc')) db.exec('ALTER TABLE radiosync_log ADD COLUMN wire_hlc INTEGER');
  const cap = new Set((db.prepare(`SELECT name FROM pragma_table_info('radiosync_capture')`).all() as Array<{ name: string }>).map((r) => r.name));
  if (!cap.has('at')) db.exec('ALTER TABLE radiosync_capture ADD COLUMN at INTEGER');
  // The (tbl, id) index became a covering one for the digest's ordered scan (digest.ts
  // forEachRowLeaf reads the index alone, in order, with no table lookups and no sort).
  db.exec('DROP INDEX IF EXISTS radiosync_log_row');
  db.exec('CREATE INDEX IF NOT EXISTS radiosync_log_leaf ON radiosync_log(tbl, id, origin, seq, hlc)');
}

/** The store's schema is complete: every column and index {@link migrateStore} adds is there. */
export function storeSchemaCurrent(db: Database.Database): boolean {
  const captureAt = db.prepare(`SELECT 1 FROM pragma_table_info('radiosync_capture') WHERE name = 'at'`).get() !== undefined;
  const leafIndex = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'radiosync_log_leaf'`).get() !== undefined;
  return captureAt && leafIndex;
}

/**
 * When the application wrote, in milliseconds since the epoch, by SQLite's clock (the system
 * clock of the machine the application runs on): recorded by every capture trigger, so that the
 * change's HLC is the edit's time and not the (later) time radiosync captured it.
 */
export const SQL_NOW_MS = `CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER)`;

/** Trigger guard: capture unless radiosync itself is writing (a missing flag row still captures). */
const SILENT = `IFNULL((SELECT max(applying) FROM radiosync_state), 0) = 0`;

function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Trigger names for a table (also used to drop them). */
export function triggerNames(table: string): string[] {
  return ['ins', 'upd', 'del'].map((k) => `${STORE_PREFIX}${table}_${k}`);
}

/**
 * Triggers that record, for every application write, which row changed and (for updates) which
 * synced columns. Values are read at capture time from the row itself, so SQLite types (BLOB,
 * 64-bit INTEGER) survive exactly. A delete keeps the old row image (JSON, BLOBs as hex) for audit.
 */
export function triggerSql(spec: TableSpec): string[] {
  const t = quoteIdent(spec.name);
  const u = quoteIdent(spec.uuidColumn);
  const watched = spec.deletedColumn ? [...spec.fields, spec.deletedColumn] : spec.fields;
  const [ins, upd, del] = triggerNames(spec.name).map(quoteIdent);
  const image = `json_object(${spec.columns
    .map((c) => `${lit(c)}, CASE typeof(OLD.${quoteIdent(c)}) WHEN 'blob' THEN hex(OLD.${quoteIdent(c)}) ELSE OLD.${quoteIdent(c)} END`)
    .join(', ')})`;
  const changed = watched.map((c) => `OLD.${quoteIdent(c)} IS NOT NEW.${quoteIdent(c)}`);
  const cols = `json_array(${watched.map((c) => `CASE WHEN OLD.${quoteIdent(c)} IS NOT NEW.${quoteIdent(c)} THEN ${lit(c)} END`).join(', ')})`;
  const anyChange = [...changed, `OLD.${u} IS NOT NEW.${u}`].join(' OR ');
  return [
    `CREATE TRIGGER ${ins} AFTER INSERT ON ${t} WHEN ${SILENT} BEGIN
       INSERT INTO radiosync_capture(tbl, op, uuid, at) VALUES (${lit(spec.name)}, 'i', NEW.${u}, ${SQL_NOW_MS}); END`,
    `CREATE TRIGGER ${upd} AFTER UPDATE ON ${t} WHEN ${SILENT} AND (${anyChange}) BEGIN
       INSERT INTO radiosync_capture(tbl, op, uuid, old_uuid, cols, at)
       VALUES (${lit(spec.name)}, 'u', NEW.${u}, CASE WHEN OLD.${u} IS NOT NEW.${u} THEN OLD.${u} END, ${cols}, ${SQL_NOW_MS}); END`,
    spec.deletedColumn !== null
      ? // Soft-delete table (Sahana's `deleted` flag): a DELETE becomes `deleted = 1` and the row
        // stays for audit, at the origin as at every receiver. RAISE(IGNORE) abandons the row's delete.
        `CREATE TRIGGER ${del} BEFORE DELETE ON ${t} WHEN ${SILENT} BEGIN
         UPDATE ${t} SET ${quoteIdent(spec.deletedColumn)} = 1 WHERE ${u} = OLD.${u}; SELECT RAISE(IGNORE); END`
      : `CREATE TRIGGER ${del} AFTER DELETE ON ${t} WHEN ${SILENT} BEGIN
         INSERT INTO radiosync_capture(tbl, op, uuid, image, at) VALUES (${lit(spec.name)}, 'd', OLD.${u}, ${image}, ${SQL_NOW_MS}); END`,
  ];
}

export function dropTriggers(db: Database.Database, table: string): void {
  for (const n of triggerNames(table)) db.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(n)}`);
}

/**
 * (Re)create a table's capture triggers from its spec, and remember the columns they were made
 * for (`radiosync_meta` key `columns:<table>`), so that a later migration's added, dropped and
 * renamed columns can be told apart (src/store/migrate.ts).
 */
export function installTriggers(db: Database.Database, spec: TableSpec): void {
  dropTriggers(db, spec.name);
  for (const sql of triggerSql(spec)) db.exec(sql);
  db.prepare('INSERT INTO radiosync_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    `columns:${spec.name}`,
    JSON.stringify(spec.columns),
  );
}

/** The columns the table's triggers were last made for, or undefined (made before that was recorded). */
export function installedColumns(db: Database.Database, table: string): string[] | undefined {
  const r = db.prepare('SELECT value FROM radiosync_meta WHERE key = ?').get(`columns:${table}`) as { value: string } | undefined;
  return r === undefined ? undefined : (JSON.parse(r.value) as string[]);
}

/** The table's capture triggers as SQLite holds them now (fewer than three: some were dropped with the table). */
export function installedTriggerSql(db: Database.Database, table: string): string[] {
  return triggerNames(table).map((n) => (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`).get(n) as { sql: string } | undefined)?.sql ?? '');
}
