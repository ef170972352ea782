/**
 * Station homes for the system tests, built only through the public surface: an application
 * SQLite file made here with better-sqlite3, a plain folder, then `radiosync init`, `key` and
 * `peer add` of the built CLI. Snapshots read the application files directly (tables by UUID,
 * folders by path and SHA-256), never through radiosync's own code.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { cliOk } from './cli.js';

/** An application table: its name and CREATE statement (it must have a TEXT `uuid` column). */
export interface AppTable {
  name: string;
  schema: string;
}

export const REPORT_TABLE = 'report';
export const REPORT: AppTable = { name: REPORT_TABLE, schema: `CREATE TABLE ${REPORT_TABLE} (uuid TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT, qty INTEGER, lat REAL, updated_at TEXT)` };
const WORDS = ['water', 'bridge', 'closed', 'shelter', 'north', 'road', 'clear', 'team', 'medical', 'supplies', 'generator', 'fuel', 'tents', 'radio', 'relay', 'flooded', 'sector', 'needs', 'arrived', 'blankets'];

/** mulberry32: the tests' data generator (seeded: the same case builds the same rows). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uuid(r: () => number): string {
  const h = Array.from({ length: 16 }, (_, i) => {
    let b = Math.floor(r() * 256);
    if (i === 6) b = (b & 0x0f) | 0x40;
    if (i === 8) b = (b & 0x3f) | 0x80;
    return b.toString(16).padStart(2, '0');
  }).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function sentence(r: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
}

export interface ReportRow extends Row {
  uuid: string;
  title: string;
  body: string;
  qty: number;
  lat: number;
  updated_at: string;
}

export function reportRow(r: () => number, tag: string): ReportRow {
  return { uuid: uuid(r), title: `${tag} ${sentence(r, 3)}`, body: sentence(r, 8 + Math.floor(r() * 10)), qty: Math.floor(r() * 500), lat: Math.round((27 + r()) * 1e5) / 1e5, updated_at: new Date(1_700_000_000_000 + Math.floor(r() * 1e9)).toISOString() };
}

export type Row = Record<string, string | number | null>;

export function createAppDb(file: string, table: AppTable, rows: readonly Row[] = []): void {
  const db = new Database(file);
  try {
    db.exec(table.schema);
    const cols = Object.keys(rows[0] ?? {});
    if (cols.length === 0) return;
    const ins = db.prepare(`INSERT INTO "${table.name}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
    db.transaction(() => {
      for (const row of rows) ins.run(row);
    })();
  } finally {
    db.close();
  }
}

/** Edit the application database as the application would (plain SQL; the triggers capture it). */
export function withAppDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export interface Home {
  call: string;
  home: string;
  db: string;
  folder: string;
  table: string;
}

/** A station: its application db (with rows), its folder (with files), `radiosync init`. */
export async function makeStation(dir: string, call: string, table: AppTable, rows: readonly Row[], files: Record<string, string | Uint8Array>, env?: Record<string, string>): Promise<Home> {
  const home = join(dir, call);
  const db = join(dir, `${call}.sqlite`);
  const folder = join(dir, `${call}-docs`);
  createAppDb(db, table, rows);
  mkdirSync(folder, { recursive: true });
  for (const [p, content] of Object.entries(files)) writeFile(folder, p, content);
  await cliOk(['init', '--home', home, '--callsign', call, '--db', db, '--tables', table.name, '--folder', `docs=${folder}`], env);
  return { call, home, db, folder, table: table.name };
}

export function writeFile(folder: string, path: string, content: string | Uint8Array): void {
  const full = join(folder, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
}

/** Each station trusts the other: `key` on one, `peer add` on the other. */
export async function pair(a: Home, b: Home): Promise<void> {
  const ka = (await cliOk(['key', '--home', a.home])).trim();
  const kb = (await cliOk(['key', '--home', b.home])).trim();
  await cliOk(['peer', 'add', b.call, '--key', kb, '--home', a.home]);
  await cliOk(['peer', 'add', a.call, '--key', ka, '--home', b.home]);
}

/** Append a transmit window to the station's config ([[schedule.window]] lives in the file only). */
export function addWindow(h: Home, cron: string, durationMin: number): void {
  appendFileSync(join(h.home, 'radiosync.toml'), `\n[[schedule.window]]\ncron = "${cron}"\nduration_min = ${durationMin}\n`);
}

/** The table as uuid → row (all columns), read straight from the application's file. */
export function tableByUuid(file: string, table: string = REPORT_TABLE): Map<string, string> {
  return withAppDb(file, (db) => {
    const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY uuid`).all() as Array<Record<string, unknown>>;
    return new Map(rows.map((r) => [String(r.uuid), JSON.stringify(r, Object.keys(r).sort())]));
  });
}

/** The folder as relative path → SHA-256 (radiosync's own marker and temp files left out). */
export function folderByPath(root: string): Map<string, string> {
  const out = new Map<string, string>();
  (function walk(dir: string) {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.radiosync')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  })(root);
  return out;
}

/** What differs between two snapshots, for assertion messages (empty: identical). */
export function mapDiff(a: Map<string, string>, b: Map<string, string>, limit = 5): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) out.push(b.has(k) ? `changed ${k}` : `only in first: ${k}`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`only in second: ${k}`);
  return out.length > limit ? [...out.slice(0, limit), `… ${out.length - limit} more`] : out;
}
