/** The folder-sync seams (FilesDb, ChunkStore, RowSyncState): each compliance suite against memory and SQLite. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryChunkStore } from '../../src/files/MemoryChunkStore.js';
import { MemoryFilesDb } from '../../src/files/MemoryFilesDb.js';
import { MemoryRowSyncState } from '../../src/files/MemoryRowSyncState.js';
import { SqliteChunkStore } from '../../src/store/files/sqliteChunkStore.js';
import { SqliteFilesDb } from '../../src/store/files/sqliteFilesDb.js';
import { SqliteRowSyncState } from '../../src/store/files/sqliteRowSyncState.js';
import { chunkStoreCompliance } from './chunkStoreCompliance.js';
import { filesDbCompliance } from './filesDbCompliance.js';
import { rowSyncStateCompliance } from './rowSyncStateCompliance.js';

const temp = () => mkdtempSync(join(tmpdir(), 'rs-fstores-'));

filesDbCompliance('MemoryFilesDb', () => ({ fdb: new MemoryFilesDb() }));
filesDbCompliance('SqliteFilesDb', () => {
  const path = join(temp(), 'station.sqlite');
  // reopen without close(): like a kill -9, the next process opens the same file
  return { fdb: new SqliteFilesDb(new Database(path)), reopen: () => new SqliteFilesDb(new Database(path)) };
});

chunkStoreCompliance('MemoryChunkStore', () => ({ store: new MemoryChunkStore() }));
chunkStoreCompliance('SqliteChunkStore', () => {
  const dir = join(temp(), 'files');
  return { store: new SqliteChunkStore(dir), reopen: () => new SqliteChunkStore(dir) };
});

rowSyncStateCompliance('MemoryRowSyncState', () => ({ state: new MemoryRowSyncState() }));
rowSyncStateCompliance('SqliteRowSyncState', () => {
  const path = join(temp(), 'station.sqlite');
  return { state: new SqliteRowSyncState(new Database(path)), reopen: () => new SqliteRowSyncState(new Database(path)) };
});
