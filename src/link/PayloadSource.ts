/**
 * Random-access payload bytes: the link reads a transfer block by block and never needs the whole
 * payload in memory. Implementations: {@link bytesSource} (an in-memory Uint8Array), the transfer
 * queues' stored payloads (SQLite chunks), or anything the application supplies (a file).
 */
export interface PayloadSource {
  readonly size: number;
  /** `len` bytes from `offset` (offset + len ≤ size). */
  read(offset: number, len: number): Uint8Array;
}

/** A sink for inbound bytes, written block by block at their offsets. */
export interface PayloadSink {
  write(offset: number, bytes: Uint8Array): void;
}

export function bytesSource(bytes: Uint8Array): PayloadSource {
  return { size: bytes.length, read: (offset, len) => bytes.subarray(offset, offset + len) };
}

/** Read a whole source into memory (for small payloads and tests). */
export function readAll(source: PayloadSource): Uint8Array {
  return source.read(0, source.size).slice();
}
