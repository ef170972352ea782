/**
 * The `FilesDb` seam: folder sync's own tables, what each folder held at its last scan (so the next
 * scan hashes only what changed), where chunks can be read from local files, and which chunks each
 * peer holds. (The chunk store itself is a separate seam: see ChunkStore.)
 *
 *   scan rows         (share, path) → type, mode, mtime, size, ino, chunks, target
 *   chunk locations   chunk hash → (share, path, offset, length): chunks readable from local files
 *   peer chunks       (peer, hash): chunks a peer holds, from acknowledged manifests
 *
 * Two implementations pass test/files/filesDbCompliance.ts: {@link MemoryFilesDb}
 * (src/files/MemoryFilesDb.ts) and the SQLite one in the station database (`files_*` tables,
 * src/store/files/sqliteFilesDb.ts). All methods are synchronous.
 */
import type { FileEntry } from './FileEntry.js';

export interface ScanRow extends FileEntry {
  /** Inode at the last scan; -1 = hash again at the next scan (racy mtime). */
  ino: number;
}

/** Where a chunk's bytes are in a local file. */
export interface ChunkLocation {
  share: string;
  path: string;
  offset: number;
  length: number;
}

export interface FilesDb {
  /** Scan rows of `under` paths and everything below them, plus the `exact` paths (a scoped scan). */
  loadScanUnder(share: string, under: Iterable<string>, exact?: Iterable<string>): Map<string, ScanRow>;
  /** Every scan row of a share, by path. */
  loadScan(share: string): Map<string, ScanRow>;
  getScan(share: string, path: string): ScanRow | undefined;
  /** Insert or replace the row at (share, path). */
  putScan(r: ScanRow): void;
  deleteScan(share: string, path: string): void;

  /** Locations of a chunk, in (share, path, offset) order. */
  chunkLocations(hash: Uint8Array): ChunkLocation[];
  /** Whether any location of the chunk is recorded. */
  hasChunkLocation(hash: Uint8Array): boolean;
  /** Replace the locations recorded for (share, path) with these (one per chunk, `offset` apart). */
  recordChunkLocations(share: string, path: string, chunks: Iterable<{ hash: Uint8Array; offset: number; length: number }>): void;
  forgetChunkLocations(share: string, path: string): void;
  /** The file's bytes now live at (toShare, toPath): move its locations there (replacing any there). */
  relocateChunkLocations(share: string, path: string, toShare: string, toPath: string): void;

  peerHasChunk(peer: string, hash: Uint8Array): boolean;
  /** Record that `peer` holds these chunks (one transaction). */
  markPeerChunks(peer: string, hashes: Iterable<Uint8Array>): void;
  /** Stop assuming `peer` holds these chunks (one transaction). */
  unmarkPeerChunks(peer: string, hashes: Iterable<Uint8Array>): void;

  /**
   * Run `fn` in one transaction: every change made in it through this FilesDb commits, or none does
   * if `fn` throws. The SQLite implementation shares the station database's transaction, so a
   * RowSyncState on the same database (the scan journal) commits with it. Nested calls join the
   * outer transaction.
   */
  tx<T>(fn: () => T): T;
}
