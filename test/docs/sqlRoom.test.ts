/**
 * SQL in one room (docs/architecture.md): only src/store/ imports better-sqlite3 or runs SQL. Every
 * other layer reaches its tables through an interface declared where it is used (FilesDb,
 * ChunkStore, RowSyncState, TransferQueue) or a function of src/store/. The sources are read
 * with comments stripped; a RegExp's `.exec(…)` is not SQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SRC, sources } from './sources.js';


/** Block and line comments removed (string contents are left alone; `//` inside a string is rare in src/). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const RULES: Array<{ what: string; re: RegExp }> = [
  { what: 'imports better-sqlite3', re: /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)['"]better-sqlite3['"]/ },
  { what: 'opens a database (new Database)', re: /\bnew\s+Database\s*\(/ },
  { what: 'prepares a statement', re: /\.prepare\s*\(/ },
  { what: 'sets a pragma', re: /\.pragma\s*\(/ },
  { what: 'opens a database transaction', re: /\.transaction\s*\(/ },
  // exec on a database: a receiver named like one, or SQL text (a string, a template, an ALL_CAPS constant)
  { what: 'executes SQL (exec)', re: /(?:\b\w*(?:db|Db|DB|database|Database|sqlite|Sqlite)\w*\s*\.exec\s*\()|(?:\.exec\s*\(\s*(?:['"`]|[A-Z][A-Z0-9_]*\s*\)))/ },
];

/** What a source does that belongs in src/store/ (empty: nothing). */
export function sqlFindings(text: string): string[] {
  const code = stripComments(text);
  return RULES.filter((r) => r.re.test(code)).map((r) => r.what);
}

test('the scanner sees imports, statements, pragmas, transactions and exec, and not a RegExp exec or a comment', () => {
  assert.deepEqual(sqlFindings("import Database from 'better-sqlite3';"), ['imports better-sqlite3']);
  assert.deepEqual(sqlFindings("import type Database from 'better-sqlite3';"), ['imports better-sqlite3']);
  assert.deepEqual(sqlFindings("const m = await import('better-sqlite3');"), ['imports better-sqlite3']);
  assert.deepEqual(sqlFindings('const db = new Database(file);'), ['opens a database (new Database)']);
  assert.deepEqual(sqlFindings('st.records.db.prepare(`SELECT 1`).get();'), ['prepares a statement']);
  assert.deepEqual(sqlFindings("this.store.pragma('journal_mode = WAL');"), ['sets a pragma']);
  assert.deepEqual(sqlFindings('this.db.transaction(() => {})();'), ['opens a database transaction']);
  assert.deepEqual(sqlFindings('db.exec(SCHEMA);'), ['executes SQL (exec)']);
  assert.deepEqual(sqlFindings("conn.exec('VACUUM');"), ['executes SQL (exec)']);
  assert.deepEqual(sqlFindings('handle.exec(SCHEMA);'), ['executes SQL (exec)']);
  assert.deepEqual(sqlFindings('const m = TEXT_RE.exec(text.trim()) ?? /^a(b)$/.exec(t);'), []);
  assert.deepEqual(sqlFindings('/** opened with better-sqlite3; db.prepare(sql) caches */\n// db.exec(SCHEMA)\nconst x = 1;'), []);
});

test('no file outside src/store/ imports better-sqlite3 or runs SQL', () => {
  const outside = sources().filter((f) => !f.startsWith('store/'));
  assert.ok(outside.length > 100, `scanned ${outside.length} files outside src/store/`);
  const found = outside.flatMap((f) => sqlFindings(readFileSync(join(SRC, f), 'utf8')).map((w) => `src/${f} ${w}`));
  assert.deepEqual(found, [], 'move it into src/store/, behind an interface declared where it is used');
  // and the room is not empty: the store does hold the SQL
  const inside = sources().filter((f) => f.startsWith('store/'));
  assert.ok(inside.some((f) => sqlFindings(readFileSync(join(SRC, f), 'utf8')).includes('imports better-sqlite3')));
});
