/**
 * Folder sync's own tables in the station's SQLite file (all named `files_*`), and the scan
 * state: what each folder held at its last scan, so the next scan hashes only what changed.
 * (The chunk store itself is a separate file, files/chunks.sqlite: see ChunkIndex.)
 *
 *   files_scan        (share, path) → type, mode, mtime, size, ino, chunks, target
 *   files_chunk_loc   chunk hash → (share, path, offset): chunks readable from local files
 *   files_peer_chunks (peer, hash): chunks a peer holds, from acknowledged manifests
 */
import type Database from 'better-sqlite3';
import type { EntryType, FileEntry } from './FileEntry.js';

export interface ScanRow extends FileEntry {
  ino: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS files_scan (
  share TEXT NOT NULL, path TEXT NOT NULL, type TEXT NOT NULL, mode INTEGER NOT NULL,
  mtime INTEGER NOT NULL, size INTEGER NOT NULL, ino INTEGER NOT NULL, chunks BLOB NOT NULL,
  target TEXT NOT NULL, PRIMARY KEY (share, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files_chunk_loc (
  hash BLOB NOT NULL, share TEXT NOT NULL, path TEXT NOT NULL, offset INTEGER NOT NULL,
  length INTEGER NOT NULL, PRIMARY KEY (hash, share, path, offset)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_chunk_loc_path ON files_chunk_loc (share, path);
CREATE TABLE IF NOT EXISTS files_peer_chunks (
  peer TEXT NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (peer, hash)) WITHOUT ROWID;
`;

interface RawScanRow {
  share: string; path: string; type: string; mode: number; mtime: number; size: number;
  ino: number; chunks: Buffer; target: string;
}

function fromRaw(r: RawScanRow): ScanRow {
  return {
    share: r.share, path: r.path, type: r.type as EntryType, mode: r.mode, mtime: r.mtime,
    size: r.size, ino: r.ino, chunks: new Uint8Array(r.chunks), target: r.target,
  };
}

/** Prepared statements over the files_* tables of one SQLite database. */
export class FilesDb {
  readonly db: Database.Database;
  private readonly sLoad: Database.Statement;
  private readonly sGet: Database.Statement;
  private readonly sPut: Database.Statement;
  private readonly sDel: Database.Statement;
  private readonly sUnder: Database.Statement;

  constructor(db: Database.Database) {
    this.db = db;
    db.exec(SCHEMA);
    this.sLoad = db.prepare('SELECT * FROM files_scan WHERE share = ?');
    this.sGet = db.prepare('SELECT * FROM files_scan WHERE share = ? AND path = ?');
    this.sPut = db.prepare(
      'INSERT OR REPLACE INTO files_scan (share, path, type, mode, mtime, size, ino, chunks, target) VALUES (?,?,?,?,?,?,?,?,?)',
    );
    this.sDel = db.prepare('DELETE FROM files_scan WHERE share = ? AND path = ?');
    // '/' is 0x2F and '0' is 0x30: [p + '/', p + '0') is exactly the paths under p.
    this.sUnder = db.prepare("SELECT * FROM files_scan WHERE share = ? AND (path = ? OR (path >= ? || '/' AND path < ? || '0'))");
  }

  /** Scan rows of `under` paths and everything below them, plus the `exact` paths (a scoped scan). */
  loadScanUnder(share: string, under: Iterable<string>, exact: Iterable<string> = []): Map<string, ScanRow> {
    const m = new Map<string, ScanRow>();
    for (const p of under) {
      for (const r of this.sUnder.iterate(share, p, p, p) as Iterable<RawScanRow>) m.set(r.path, fromRaw(r));
    }
    for (const p of exact) {
      const r = this.getScan(share, p);
      if (r) m.set(p, r);
    }
    return m;
  }

  loadScan(share: string): Map<string, ScanRow> {
    const m = new Map<string, ScanRow>();
    for (const r of this.sLoad.iterate(share) as Iterable<RawScanRow>) m.set(r.path, fromRaw(r));
    return m;
  }

  getScan(share: string, path: string): ScanRow | undefined {
    const r = this.sGet.get(share, path) as RawScanRow | undefined;
    return r && fromRaw(r);
  }

  putScan(r: ScanRow): void {
    this.sPut.run(r.share, r.path, r.type, r.mode, r.mtime, r.size, r.ino, Buffer.from(r.chunks), r.target);
  }

  deleteScan(share: string, path: string): void {
    this.sDel.run(share, path);
  }

  /** Run `fn` in one transaction. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
