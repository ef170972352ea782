/** Field values: SQLite ↔ changeset ↔ log blob ↔ JSON (for conflicts, tombstones and export). */
import { encode, decode } from 'cbor-x';
import type { FieldValue } from '../changeset/Changeset.js';

/** A value read from SQLite with safe integers on: small bigints become numbers, Buffers plain bytes. */
export function fromSqlite(v: unknown): FieldValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** A value to bind in SQLite (better-sqlite3 binds no booleans). */
export function toSqlite(v: FieldValue): number | bigint | string | Buffer | null {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
}

export function isFieldValue(v: unknown): v is FieldValue {
  return (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    typeof v === 'bigint' ||
    (typeof v === 'number' && Number.isFinite(v)) ||
    v instanceof Uint8Array
  );
}

export function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    // eslint-disable-next-line eqeqeq
    return a == b;
  }
  if (typeof a === 'boolean' && typeof b === 'number') return (a ? 1 : 0) === b;
  if (typeof b === 'boolean' && typeof a === 'number') return (b ? 1 : 0) === a;
  return a === b;
}

/** Log column `fields`: CBOR (keeps bytes and 64-bit integers exact). */
export function encodeFields(fields: Record<string, FieldValue>): Buffer {
  return encode(fields) as Buffer;
}

export function decodeFields(blob: Uint8Array | null): Record<string, FieldValue> {
  if (blob === null) return {};
  const raw = decode(blob) as Record<string, unknown>;
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(raw)) {
    out[k] = v instanceof Uint8Array ? new Uint8Array(v) : typeof v === 'bigint' ? fromSqlite(v) : (v as FieldValue);
  }
  return out;
}

/** JSON form of a field value: bytes as `{"$base64": …}`, 64-bit integers as `{"$int": "…"}`. */
export type JsonValue = null | number | string | boolean | { $base64: string } | { $int: string } | { $uuid: string };

export function toJsonValue(v: FieldValue): JsonValue {
  if (v instanceof Uint8Array) return { $base64: Buffer.from(v).toString('base64') };
  if (typeof v === 'bigint') return { $int: v.toString() };
  return v;
}

export function fromJsonValue(v: JsonValue): FieldValue {
  if (v !== null && typeof v === 'object') {
    if ('$base64' in v) return new Uint8Array(Buffer.from(v.$base64, 'base64'));
    if ('$int' in v) return fromSqlite(BigInt(v.$int));
    if ('$uuid' in v) return new Uint8Array(Buffer.from(v.$uuid.replace(/-/g, ''), 'hex'));
  }
  return v as FieldValue;
}

export function jsonText(v: FieldValue): string {
  return JSON.stringify(toJsonValue(v));
}
