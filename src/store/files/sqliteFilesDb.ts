/**
 * The SQLite {@link FilesDb}: folder sync's tables in the station's database, all named `files_*`.
 *
 *   files_scan        (share, path) → type, mode, mtime, size, ino, chunks, target
 *   files_chunk_loc   (hash, share, path, offset) → length: chunks readable from local files
 *   files_peer_chunks (peer, hash): chunks a peer holds, from acknowledged manifests
 *
 * Transactions are the database's: a RowSyncState on the same database joins them.
 */
import type Database from 'better-sqlite3';
import type { EntryType } from '../../files/FileEntry.js';
import type { ChunkLocation, FilesDb, ScanRow } from '../../files/FilesDb.js';

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

const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class SqliteFilesDb implements FilesDb {
  readonly db: Database.Database;
  private readonly s: Record<
    'load' | 'get' | 'put' | 'del' | 'under' | 'locs' | 'hasLoc' | 'addLoc' | 'forget' | 'relocate' | 'peerHas' | 'addPeer' | 'dropPeer',
    Database.Statement
  >;

  /** Creates the files_* tables in `db` if missing. The database belongs to the caller. */
  constructor(db: Database.Database) {
    this.db = db;
    db.exec(SCHEMA);
    this.s = {
      load: db.prepare('SELECT * FROM files_scan WHERE share = ?'),
      get: db.prepare('SELECT * FROM files_scan WHERE share = ? AND path = ?'),
      put: db.prepare('INSERT OR REPLACE INTO files_scan (share, path, type, mode, mtime, size, ino, chunks, target) VALUES (?,?,?,?,?,?,?,?,?)'),
      del: db.prepare('DELETE FROM files_scan WHERE share = ? AND path = ?'),
      // '/' is 0x2F and '0' is 0x30: [p + '/', p + '0') is exactly the paths under p.
      under: db.prepare("SELECT * FROM files_scan WHERE share = ? AND (path = ? OR (path >= ? || '/' AND path < ? || '0'))"),
      locs: db.prepare('SELECT share, path, offset, length FROM files_chunk_loc WHERE hash = ? ORDER BY share, path, offset'),
      hasLoc: db.prepare('SELECT 1 FROM files_chunk_loc WHERE hash = ?'),
      addLoc: db.prepare('INSERT OR IGNORE INTO files_chunk_loc (hash, share, path, offset, length) VALUES (?,?,?,?,?)'),
      forget: db.prepare('DELETE FROM files_chunk_loc WHERE share = ? AND path = ?'),
      relocate: db.prepare('UPDATE OR REPLACE files_chunk_loc SET share = ?, path = ? WHERE share = ? AND path = ?'),
      peerHas: db.prepare('SELECT 1 FROM files_peer_chunks WHERE peer = ? AND hash = ?'),
      addPeer: db.prepare('INSERT OR IGNORE INTO files_peer_chunks (peer, hash) VALUES (?,?)'),
      dropPeer: db.prepare('DELETE FROM files_peer_chunks WHERE peer = ? AND hash = ?'),
    };
  }

  loadScanUnder(share: string, under: Iterable<string>, exact: Iterable<string> = []): Map<string, ScanRow> {
    const m = new Map<string, ScanRow>();
    for (const p of under) {
      for (const r of this.s.under.iterate(share, p, p, p) as Iterable<RawScanRow>) m.set(r.path, fromRaw(r));
    }
    for (const p of exact) {
      const r = this.getScan(share, p);
      if (r) m.set(p, r);
    }
    return m;
  }

  loadScan(share: string): Map<string, ScanRow> {
    const m = new Map<string, ScanRow>();
    for (const r of this.s.load.iterate(share) as Iterable<RawScanRow>) m.set(r.path, fromRaw(r));
    return m;
  }

  getScan(share: string, path: string): ScanRow | undefined {
    const r = this.s.get.get(share, path) as RawScanRow | undefined;
    return r && fromRaw(r);
  }

  putScan(r: ScanRow): void {
    this.s.put.run(r.share, r.path, r.type, r.mode, r.mtime, r.size, r.ino, Buffer.from(r.chunks), r.target);
  }

  deleteScan(share: string, path: string): void {
    this.s.del.run(share, path);
  }

  chunkLocations(hash: Uint8Array): ChunkLocation[] {
    return this.s.locs.all(buf(hash)) as ChunkLocation[];
  }

  hasChunkLocation(hash: Uint8Array): boolean {
    return this.s.hasLoc.get(buf(hash)) !== undefined;
  }

  recordChunkLocations(share: string, path: string, chunks: Iterable<{ hash: Uint8Array; offset: number; length: number }>): void {
    this.tx(() => {
      this.s.forget.run(share, path);
      for (const c of chunks) this.s.addLoc.run(buf(c.hash), share, path, c.offset, c.length);
    });
  }

  forgetChunkLocations(share: string, path: string): void {
    this.s.forget.run(share, path);
  }

  relocateChunkLocations(share: string, path: string, toShare: string, toPath: string): void {
    this.s.relocate.run(toShare, toPath, share, path);
  }

  peerHasChunk(peer: string, hash: Uint8Array): boolean {
    return this.s.peerHas.get(peer, buf(hash)) !== undefined;
  }

  markPeerChunks(peer: string, hashes: Iterable<Uint8Array>): void {
    this.tx(() => {
      for (const h of hashes) this.s.addPeer.run(peer, buf(h));
    });
  }

  unmarkPeerChunks(peer: string, hashes: Iterable<Uint8Array>): void {
    this.tx(() => {
      for (const h of hashes) this.s.dropPeer.run(peer, buf(h));
    });
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
