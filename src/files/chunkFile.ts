/**
 * Stream a file through FastCDC and hash each chunk. A file is never held whole in memory: reads
 * are SCAN_READ_BYTES at a time and at most one chunk is pending.
 */
import { createReadStream } from 'node:fs';
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
  opts: ChunkerOptions & { onChunk?: (ref: ChunkRef, data: Uint8Array, offset: number) => void } = {},
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
  const stream = createReadStream(path, { highWaterMark: SCAN_READ_BYTES });
  for await (const buf of stream as AsyncIterable<Buffer>) {
    take(cdc.push(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)));
  }
  take(cdc.finish());
  return { leaves, size: offset };
}
