/**
 * Type guards for the decoded CBOR tree: each returns the value in the expected shape or throws
 * RS_ERR_CHANGESET_CORRUPT naming what was expected where.
 */
import { corrupt, tooLarge } from './fail.js';

/** Anything cbor-x may hand back from untrusted bytes. */
export type Cbor = unknown;

export function asArray(x: Cbor, what: string, length?: number): Cbor[] {
  if (!Array.isArray(x)) throw corrupt(`${what}: expected an array`);
  if (length !== undefined && x.length !== length) {
    throw corrupt(`${what}: expected ${length} items, got ${x.length}`);
  }
  return x;
}

/** A safe integer (never -0), optionally within [min, max]. */
export function asInt(x: Cbor, what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || Object.is(x, -0) || x < min || x > max) {
    throw corrupt(`${what}: expected an integer in ${min}..${max}`);
  }
  return x;
}

/** A byte string, as a plain Uint8Array view (cbor-x yields Buffers in Node). */
export function asBytes(x: Cbor, what: string): Uint8Array {
  if (!(x instanceof Uint8Array)) throw corrupt(`${what}: expected a byte string`);
  return x.constructor === Uint8Array ? x : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

export function asString(x: Cbor, what: string, maxLength: number): string {
  if (typeof x !== 'string') throw corrupt(`${what}: expected a text string`);
  if (x.length > maxLength) throw tooLarge('maxStringLength', maxLength, x.length);
  return x;
}

/** Define an own enumerable property, safe for keys such as `__proto__`. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` has no lone surrogate, i.e. survives UTF-8 (String.prototype.isWellFormed). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}
