/**
 * The SQLite {@link ChunkStore}: one file, `<dir>/chunks.sqlite`, table
 * `files_chunks(hash PK, data)`, WAL with synchronous=FULL (a stored chunk survives power loss: it
 * may be the only copy, e.g. at a relay).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ChunkStore } from '../../files/ChunkStore.js';

/** The chunk store's file name inside its directory. */
export const CHUNK_STORE_FILE = 'chunks.sqlite';

const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class SqliteChunkStore implements ChunkStore {
  readonly db: Database.Database;
  private readonly s: Record<'has' | 'get' | 'all' | 'drop' | 'add', Database.Statement>;

  /** Opens (creating if missing) `<dir>/chunks.sqlite`; `dir` is created if missing. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, CHUNK_STORE_FILE));
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS files_chunks (hash BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID');
    this.s = {
      has: db.prepare('SELECT 1 FROM files_chunks WHERE hash = ?'),
      get: db.prepare('SELECT data FROM files_chunks WHERE hash = ?'),
      all: db.prepare('SELECT hash FROM files_chunks'),
      drop: db.prepare('DELETE FROM files_chunks WHERE hash = ?'),
      add: db.prepare('INSERT OR IGNORE INTO files_chunks (hash, data) VALUES (?,?)'),
    };
  }

  putMany(chunks: Iterable<{ hash: Uint8Array; data: Uint8Array }>): void {
    this.db.transaction(() => {
      for (const c of chunks) this.s.add.run(buf(c.hash), buf(c.data));
    })();
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    const row = this.s.get.get(buf(hash)) as { data: Buffer } | undefined;
    return row === undefined ? undefined : new Uint8Array(row.data);
  }

  has(hash: Uint8Array): boolean {
    return this.s.has.get(buf(hash)) !== undefined;
  }

  hashes(): Uint8Array[] {
    return (this.s.all.all() as Array<{ hash: Buffer }>).map((r) => new Uint8Array(r.hash));
  }

  deleteMany(hashes: Iterable<Uint8Array>): void {
    this.db.transaction(() => {
      for (const h of hashes) this.s.drop.run(buf(h));
    })();
  }

  close(): void {
    this.db.close();
  }
}
