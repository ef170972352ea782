/**
 * Changeset identity for exactly-once apply. When the caller has the encoded payload it passes
 * SHA-256 of those bytes; otherwise this canonical hash is used: SHA-256 of a canonical JSON text
 * (object keys sorted, bigint as `{"$n":"…"}`, bytes as `{"$b":"hex"}`), so the same changeset
 * hashes the same whatever the order its objects were built in.
 */
import { createHash } from 'node:crypto';
import type { Changeset } from '../changeset/Changeset.js';

export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return `{"$n":"${v.toString()}"}`;
  if (v instanceof Uint8Array) return `{"$b":"${Buffer.from(v).toString('hex')}"}`;
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * SHA-256 of `canonicalJson(cs)`, fed change by change (the same bytes as hashing the whole text,
 * without building it).
 */
export function changesetHash(cs: Changeset): Uint8Array {
  const h = createHash('sha256');
  const keys = Object.keys(cs)
    .filter((k) => (cs as unknown as Record<string, unknown>)[k] !== undefined)
    .sort();
  h.update('{');
  keys.forEach((k, i) => {
    h.update(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
    const v = (cs as unknown as Record<string, unknown>)[k];
    if (Array.isArray(v)) {
      h.update('[');
      v.forEach((item, j) => h.update(`${j > 0 ? ',' : ''}${canonicalJson(item)}`));
      h.update(']');
    } else h.update(canonicalJson(v));
  });
  h.update('}');
  return new Uint8Array(h.digest());
}

/** SHA-256 of encoded payload bytes (the preferred identity when the bytes are at hand). */
export function payloadHash(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
