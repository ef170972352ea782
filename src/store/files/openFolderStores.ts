/**
 * The station's SQLite stores for folder sync: the files_* tables in the station database, the
 * chunk store in `<stationDir>/files/chunks.sqlite`, and the per-row sync state.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { SqliteChunkStore } from './sqliteChunkStore.js';
import { SqliteFilesDb } from './sqliteFilesDb.js';

export interface FolderStores {
  fdb: SqliteFilesDb;
  chunkStore: SqliteChunkStore;
}

/** Opens (creating if missing) the folder tables in `db` and the chunk store under `<stationDir>/files/`. */
export function openFolderStores(db: Database.Database, stationDir: string): FolderStores {
  return { fdb: new SqliteFilesDb(db), chunkStore: new SqliteChunkStore(join(stationDir, 'files')) };
}
