/** Test helpers: temp stations with a folder, deterministic data, tree snapshots. */
import { mkdtempSync, mkdirSync, readdirSync, lstatSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { FolderSet } from '../../src/files/FolderSet.js';
import { openFolderStores } from '../../src/store/files/openFolderStores.js';
import { MemoryChunkStore } from '../../src/files/MemoryChunkStore.js';
import { MemoryFilesDb } from '../../src/files/MemoryFilesDb.js';
import { FolderReplica } from '../../src/files/FolderReplica.js';
import { initFolderMarker } from '../../src/files/Folder.js';

/** Virtual wall clock shared by a test's stations (HLC, version names). */
export class TestClock {
  t = Date.UTC(2026, 0, 15, 12, 0, 0);
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestStation {
  name: string;
  root: string;
  stationDir: string;
  db: Database.Database;
  set: FolderSet;
  replica: FolderReplica;
}

const made: string[] = [];

export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `rs-files-${label}-`));
  made.push(d);
  return d;
}

export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** `stores: 'memory'` puts the folder tables and the chunk store in memory (MemoryFilesDb, MemoryChunkStore). */
export function makeStation(
  name: string,
  clock: TestClock,
  opts: { share?: string; marker?: boolean; caseInsensitive?: boolean; stores?: 'sqlite' | 'memory' } = {},
): TestStation {
  const base = tempDir(name);
  const root = join(base, 'folder');
  const stationDir = join(base, 'station');
  mkdirSync(root, { recursive: true });
  mkdirSync(stationDir, { recursive: true });
  const share = opts.share ?? 'ops';
  if (opts.marker !== false) initFolderMarker({ share, root });
  const db = new Database(join(stationDir, 'station.sqlite'));
  const stores = opts.stores === 'memory' ? { fdb: new MemoryFilesDb(), chunkStore: new MemoryChunkStore() } : openFolderStores(db, stationDir);
  const set = new FolderSet({ ...stores, stationDir, folders: [{ share, root }], now: clock.now, caseInsensitive: opts.caseInsensitive ?? false });
  const replica = new FolderReplica({ station: name, set, share, now: clock.now });
  return { name, root, stationDir, db, set, replica };
}

let mtimeCounter = Date.UTC(2025, 5, 1);
/** Write a file with a distinct, old mtime (so size+mtime change detection always sees edits). */
export function put(root: string, path: string, data: string | Uint8Array, mode?: number): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data, mode === undefined ? {} : { mode });
  mtimeCounter += 1000;
  utimesSync(p, mtimeCounter / 1000, mtimeCounter / 1000);
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** path → description of everything under root (except the marker), for tree equality. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string): void => {
    for (const n of readdirSync(dir).sort()) {
      if (rel === '' && n === '.radiosync-folder') continue;
      const p = join(dir, n);
      const r = rel === '' ? n : `${rel}/${n}`;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `link:${readlinkSync(p)}:${Math.round(st.mtimeMs)}`;
      else if (st.isDirectory()) {
        out[r] = `dir:${(st.mode & 0o777).toString(8)}`;
        walk(p, r);
      } else out[r] = `file:${(st.mode & 0o777).toString(8)}:${Math.round(st.mtimeMs)}:${readFileSync(p).toString('base64').slice(0, 60)}:${st.size}`;
    }
  };
  walk(root, '');
  return out;
}
