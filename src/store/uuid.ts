/** UUID text ↔ the 16 bytes that travel in changesets. */
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';

const HEX32 = /^[0-9a-f]{32}$/;

/**
 * Parse lower-case `8-4-4-4-12` UUID text (an optional prefix such as `urn:uuid:` is stripped
 * first). Upper case is refused: rows are found by their UUID text, so `ABC…` and `abc…` would be
 * two rows at a receiver.
 */
export function uuidToBytes(text: string, prefix = ''): Uint8Array {
  const body = prefix !== '' && text.startsWith(prefix) ? text.slice(prefix.length) : text;
  const hex = body.replace(/-/g, '');
  if (!HEX32.test(hex) || body.length !== 36) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_BAD_UUID', `not a UUID: ${JSON.stringify(text)}`, { value: text });
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Lower-case `8-4-4-4-12` text, with the table's prefix if it has one. */
export function bytesToUuid(bytes: Uint8Array, prefix = ''): string {
  const h = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${prefix}${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function isUuidBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.byteLength === 16;
}
