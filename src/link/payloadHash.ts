/**
 * End-to-end integrity: SHA-256 of the whole payload, truncated to PAYLOAD_HASH_BYTES (8), computed
 * streaming over a {@link PayloadSource} so a 100 MB payload is never in memory at once. Verified by
 * the receiver after reassembly, before the payload is handed to the application.
 */
import { createHash } from 'node:crypto';
import { PAYLOAD_HASH_BYTES } from './announceFrame.js';
import type { PayloadSource } from './PayloadSource.js';

/** Bytes read per step when hashing a source. */
export const HASH_READ_CHUNK_BYTES = 1 << 20;

export function payloadHash(source: PayloadSource): Uint8Array {
  const h = createHash('sha256');
  for (let off = 0; off < source.size; off += HASH_READ_CHUNK_BYTES) h.update(source.read(off, Math.min(HASH_READ_CHUNK_BYTES, source.size - off)));
  return new Uint8Array(h.digest().subarray(0, PAYLOAD_HASH_BYTES));
}

export function hashEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
