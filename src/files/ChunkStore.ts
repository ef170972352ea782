/**
 * The `ChunkStore` seam: chunk bytes this station keeps because no local file holds them (chunks
 * received from peers, list chunks), keyed by their hash. The caller (ChunkIndex) verifies every
 * chunk against its hash before storing it and after reading it.
 *
 * The SQLite implementation is one file, `<stationDir>/files/chunks.sqlite`, rather than a file per
 * chunk: a 1 MB file is ~250 chunks, and a file each would cost ~250 fsyncs (4.6 s measured here)
 * where one transaction costs one.
 *
 * Two implementations pass test/files/chunkStoreCompliance.ts: {@link MemoryChunkStore}
 * (src/files/MemoryChunkStore.ts) and src/store/files/sqliteChunkStore.ts. All methods are synchronous.
 */
export interface ChunkStore {
  /** Store chunks (a chunk already held is kept as it is), in one durable transaction. */
  putMany(chunks: Iterable<{ hash: Uint8Array; data: Uint8Array }>): void;
  get(hash: Uint8Array): Uint8Array | undefined;
  has(hash: Uint8Array): boolean;
  /** Every stored hash (any order). */
  hashes(): Uint8Array[];
  /** Drop chunks, in one transaction. */
  deleteMany(hashes: Iterable<Uint8Array>): void;
  close(): void;
}
