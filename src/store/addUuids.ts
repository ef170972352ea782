/**
 * Giving an application table the UUID column radiosync needs (`init --add-uuids`), and checking
 * the one it has. Adding takes four steps, all inside init's transaction:
 *
 * 1. `ALTER TABLE … ADD COLUMN uuid TEXT` (when the column is missing);
 * 2. every row without a UUID gets a random (v4) one;
 * 3. a UNIQUE index on the column (`radiosync_<table>_uuid_unique`), when none exists;
 * 4. a trigger (`radiosync_<table>_uuid`) that gives the application's own new rows a v4 UUID when
 *    it inserts them without one. The capture trigger then sees that UPDATE as the row's insert.
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import { STORE_PREFIX } from './limits.js';
import { quoteIdent, UUID_TEXT } from './tables.js';

/** Name of the trigger that fills in UUIDs of new rows (also dropped with the capture triggers). */
export function uuidTriggerName(table: string): string {
  return `${STORE_PREFIX}${table}_uuid`;
}

function uniqueIndexName(table: string): string {
  return `${STORE_PREFIX}${table}_uuid_unique`;
}

/** A v4 UUID computed by SQLite itself, for the insert trigger (the app's connection has no JS functions). */
const SQL_UUID_V4 = `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))`;

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as Array<{ name: string }>).map((r) => r.name);
}

/** True when a UNIQUE index (or constraint, or primary key) covers exactly `column`. */
function hasUniqueIndex(db: Database.Database, table: string, column: string): boolean {
  const idx = db.prepare('SELECT name, "unique" AS u FROM pragma_index_list(?)').all(table) as Array<{ name: string; u: number }>;
  for (const i of idx) {
    if (i.u !== 1) continue;
    const cols = (db.prepare('SELECT name FROM pragma_index_info(?)').all(i.name) as Array<{ name: string | null }>).map((r) => r.name);
    if (cols.length === 1 && cols[0] === column) return true;
  }
  return false;
}

/** True when {@link addUuids} would add the column or fill some row. */
export function needsUuids(db: Database.Database, table: string, column: string): boolean {
  const cols = columns(db, table);
  if (cols.length === 0) return false;
  if (!cols.includes(column)) return true;
  return db.prepare(`SELECT 1 FROM ${quoteIdent(table)} WHERE ${quoteIdent(column)} IS NULL OR ${quoteIdent(column)} = '' LIMIT 1`).get() !== undefined;
}

export interface AddUuidsResult {
  table: string;
  /** The column was created. */
  added: boolean;
  /** Rows that got a new UUID. */
  filled: number;
}

/** Steps 1-4 above for one table (idempotent). Call inside a transaction, with the capture triggers not yet installed. */
export function addUuids(db: Database.Database, table: string, column: string, prefix = ''): AddUuidsResult {
  const t = quoteIdent(table);
  const c = quoteIdent(column);
  const cols = columns(db, table);
  if (cols.length === 0) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `no table ${table} in the database`, { table, option: 'name' });
  }
  const ddl = (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) as { sql: string } | undefined)?.sql ?? '';
  if (/\bWITHOUT\s+ROWID\b/i.test(ddl) && (!cols.includes(column) || (db.prepare(`SELECT 1 FROM ${t} WHERE ${c} IS NULL LIMIT 1`).get() !== undefined))) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `table ${table} is WITHOUT ROWID: add and fill its UUID column ${column} yourself`, { table, option: 'uuidColumn' });
  }
  if (/\bWITHOUT\s+ROWID\b/i.test(ddl)) {
    // its UUIDs are all there (checked above): no rowid to fill new rows by, so no insert trigger
    checkUuidColumn(db, table, column, prefix);
    if (!hasUniqueIndex(db, table, column)) db.exec(`CREATE UNIQUE INDEX ${quoteIdent(uniqueIndexName(table))} ON ${t}(${c})`);
    return { table, added: false, filled: 0 };
  }
  const added = !cols.includes(column);
  if (added) db.exec(`ALTER TABLE ${t} ADD COLUMN ${c} TEXT`);
  const ids = db.prepare(`SELECT rowid AS r FROM ${t} WHERE ${c} IS NULL OR ${c} = ''`).all() as Array<{ r: number }>;
  const set = db.prepare(`UPDATE ${t} SET ${c} = ? WHERE rowid = ?`);
  for (const { r } of ids) set.run(prefix + randomUUID(), r);
  checkUuidColumn(db, table, column, prefix);
  if (!hasUniqueIndex(db, table, column)) db.exec(`CREATE UNIQUE INDEX ${quoteIdent(uniqueIndexName(table))} ON ${t}(${c})`);
  db.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(uuidTriggerName(table))}`);
  const fill = prefix === '' ? SQL_UUID_V4 : `'${prefix.replace(/'/g, "''")}' || ${SQL_UUID_V4}`;
  db.exec(`CREATE TRIGGER ${quoteIdent(uuidTriggerName(table))} AFTER INSERT ON ${t} WHEN NEW.${c} IS NULL BEGIN
    UPDATE ${t} SET ${c} = ${fill} WHERE rowid = NEW.rowid; END`);
  return { table, added, filled: ids.length };
}

/**
 * Every row's UUID column must hold lower-case `8-4-4-4-12` text (after the prefix): a row without
 * one would never sync, and a value that is not a UUID would be skipped at every capture. Refused
 * at init, before anything is changed, with the count and a sample.
 */
export function checkUuidColumn(db: Database.Database, table: string, column: string, prefix = ''): void {
  const t = quoteIdent(table);
  const c = quoteIdent(column);
  const missing = (db.prepare(`SELECT count(*) AS n FROM ${t} WHERE ${c} IS NULL`).get() as { n: number }).n;
  if (missing > 0) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `table ${table}: ${missing} rows have no UUID in ${column} (init --add-uuids fills them)`, {
      table,
      column,
      rows: missing,
      option: 'uuidColumn',
    });
  }
  let bad = 0;
  let sample: unknown;
  for (const r of db.prepare(`SELECT ${c} AS u FROM ${t}`).raw().iterate() as Iterable<[unknown]>) {
    const u = r[0];
    const body = typeof u === 'string' && prefix !== '' && u.startsWith(prefix) ? u.slice(prefix.length) : u;
    if (typeof body !== 'string' || !UUID_TEXT.test(body)) {
      bad++;
      sample ??= u;
    }
  }
  if (bad > 0) {
    throw makeError(
      STORE_ERRORS,
      'RS_ERR_STORE_BAD_UUID',
      `table ${table}: ${bad} rows hold a value in ${column} that is not a lower-case UUID, e.g. ${JSON.stringify(typeof sample === 'bigint' ? String(sample) : sample)}; nothing was changed`,
      { table, column, rows: bad, value: typeof sample === 'bigint' ? String(sample) : sample },
    );
  }
}
