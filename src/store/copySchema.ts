/**
 * `init --schema-from FILE`: a field station starts from an empty copy of another station's
 * application schema. Every table, index, view and trigger of the application is created again
 * in a new file, with no rows; radiosync's own tables and capture triggers are left out (init
 * makes this station's own), but the UUID-filling insert triggers of `--add-uuids` are kept.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import { STORE_PREFIX } from './limits.js';

const CAPTURE_SUFFIXES = ['_ins', '_upd', '_del'];

function isOurs(r: { type: string; name: string; tbl_name: string }): boolean {
  if (r.tbl_name.startsWith(STORE_PREFIX) || r.name.startsWith('sqlite_')) return true;
  return r.type === 'trigger' && r.name === `${STORE_PREFIX}${r.tbl_name}${r.name.slice(-4)}` && CAPTURE_SUFFIXES.includes(r.name.slice(-4));
}

/** Create `to` (which must not exist) with the application schema of `from`. Returns the tables created. */
export function copySchema(from: string, to: string): string[] {
  if (!existsSync(from)) throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `no database file at ${from}`, { file: from, option: 'schemaFrom' });
  if (existsSync(to)) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `${to} already exists; --schema-from creates a new, empty database`, { file: to, option: 'schemaFrom' });
  }
  let src: Database.Database;
  try {
    src = new Database(from, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `cannot open ${from} as an SQLite database: ${(e as Error).message}`, { file: from, option: 'schemaFrom' }, e);
  }
  let rows: Array<{ type: string; name: string; tbl_name: string; sql: string | null }>;
  try {
    rows = src.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`).all() as typeof rows;
  } catch (e) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `${from} is not an SQLite database: ${(e as Error).message}`, { file: from, option: 'schemaFrom' }, e);
  } finally {
    src.close();
  }
  const dst = new Database(to);
  try {
    dst.transaction(() => {
      for (const r of rows) if (!isOurs(r)) dst.exec(r.sql!);
    })();
  } finally {
    dst.close();
  }
  return rows.filter((r) => r.type === 'table' && !isOurs(r)).map((r) => r.name);
}
