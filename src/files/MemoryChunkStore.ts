/** The in-memory {@link ChunkStore}: same contract as the SQLite one, nothing survives the process. */
import { fromHex, toHex } from './chunkHash.js';
import type { ChunkStore } from './ChunkStore.js';

export class MemoryChunkStore implements ChunkStore {
  private readonly chunks = new Map<string, Uint8Array>();

  putMany(chunks: Iterable<{ hash: Uint8Array; data: Uint8Array }>): void {
    for (const c of chunks) {
      const k = toHex(c.hash);
      if (!this.chunks.has(k)) this.chunks.set(k, c.data.slice());
    }
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    return this.chunks.get(toHex(hash))?.slice();
  }

  has(hash: Uint8Array): boolean {
    return this.chunks.has(toHex(hash));
  }

  hashes(): Uint8Array[] {
    return [...this.chunks.keys()].map(fromHex);
  }

  deleteMany(hashes: Iterable<Uint8Array>): void {
    for (const h of hashes) this.chunks.delete(toHex(h));
  }

  close(): void {
    /* nothing to release */
  }
}
