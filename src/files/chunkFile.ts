/**
 * Stream a file through FastCDC and hash each chunk. A file is never held whole in memory: reads
 * are SCAN_READ_BYTES at a time and at most one chunk is pending.
 */
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { FastCdc, type ChunkerOptions } from './FastCdc.js';
import { hashChunk } from './chunkHash.js';
import type { ChunkRef } from './ChunkList.js';
import { SCAN_READ_BYTES } from './limits.js';

export interface ChunkedFile {
  leaves: ChunkRef[];
  size: number;
}

/**
 * Chunk the file at `path`. `onChunk` sees every chunk's bytes with its offset (to store chunks or
 * compute what a peer lacks); it must not keep `data` unless it copies it.
 */
export async function chunkFile(
  path: string,
  opts: ChunkerOptions & {
    onChunk?: (ref: ChunkRef, data: Uint8Array, offset: number) => void;
    /** Size from a recent stat: files up to SCAN_READ_BYTES are read in one synchronous call. */
    sizeHint?: number;
  } = {},
): Promise<ChunkedFile> {
  const cdc = new FastCdc(opts);
  const leaves: ChunkRef[] = [];
  let offset = 0;
  const take = (chunks: Uint8Array[]): void => {
    for (const data of chunks) {
      const ref = { hash: hashChunk(data), length: data.length };
      leaves.push(ref);
      opts.onChunk?.(ref, data, offset);
      offset += data.length;
    }
  };
  if (opts.sizeHint !== undefined && opts.sizeHint <= SCAN_READ_BYTES) {
    // Small file: one synchronous read (~20x faster than a stream per file, measured on 100k files).
    // (If it grew meanwhile the caller sees the size change and leaves the file for the next scan.)
    const buf = readFileSync(path);
    take(cdc.push(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)));
    take(cdc.finish());
    return { leaves, size: offset };
  }
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(SCAN_READ_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      take(cdc.push(buf.subarray(0, bytesRead)));
    }
  } finally {
    await fh.close();
  }
  take(cdc.finish());
  return { leaves, size: offset };
}
