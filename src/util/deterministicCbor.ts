/**
 * Deterministic CBOR (RFC 8949 §4.2.1) for the small control structures radiosync writes outside
 * the changeset codec: bundle bodies, receipts and the version vector of a repair message.
 *
 * - integers in their shortest form: cbor-x writes a JS number above 2^32 − 1 as a float64, so
 *   such integers are written as bigints (major type 0 or 1, 8 bytes: shortest for that range);
 * - maps with their length in the shortest form (cbor-x's `variableMapSize`), untagged, keys sorted by the
 *   bytewise order of their encodings (for text keys: shorter first, then byte by byte);
 * - byte strings as plain major type 2, never under tag 64 (`tagUint8Array: false`);
 * - definite lengths only; no other tags.
 *
 * Readers stay lenient (cbor-x decodes any well-formed CBOR), so bytes written before this
 * module (float64 times, tag 64, 2-byte map lengths) are still read.
 */
import { Encoder } from 'cbor-x';

// `useTag259ForMaps` (cbor-x ≥ 1.5, missing from its type declarations): a Map is a plain major type 5.
const options: ConstructorParameters<typeof Encoder>[0] & { useTag259ForMaps: boolean } = {
  useRecords: false, tagUint8Array: false, pack: false, variableMapSize: true, useTag259ForMaps: false,
};
const encoder = new Encoder(options);
const textEncoder = new TextEncoder();

export type DeterministicValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | readonly DeterministicValue[]
  | { readonly [key: string]: DeterministicValue };

/** Encode `value` deterministically. Floats are refused: these structures hold none. */
export function encodeDeterministic(value: DeterministicValue): Uint8Array {
  return encoder.encode(prepare(value)) as Uint8Array;
}

/** RFC 8949 §4.2.1 order of two text keys: by their encoded bytes (length header first). */
export function compareTextKeys(a: string, b: string): number {
  const x = textEncoder.encode(a);
  const y = textEncoder.encode(b);
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

function prepare(v: DeterministicValue): unknown {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`deterministic CBOR here holds integers only, not ${v}`);
    return v > 0xffffffff || v < -0x100000000 ? BigInt(v) : v;
  }
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(prepare);
  // A Map keeps the sorted order (an object would put integer-like keys first).
  const m = new Map<string, unknown>();
  const o = v as { readonly [key: string]: DeterministicValue };
  for (const k of Object.keys(o).sort(compareTextKeys)) m.set(k, prepare(o[k]!));
  return m;
}

/** A uint as decoded by cbor-x (a bigint from 2^32 on, or a float64 from earlier writers) as a number; other values as they are. */
export function cborUint(v: unknown): unknown {
  return typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
