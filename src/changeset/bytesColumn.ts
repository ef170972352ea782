/**
 * Byte strings of one column (row ids, foreign keys as UUIDs, hashes, blobs).
 *
 *   bytes := [0, width:uint, bstr(width × m)]          all the same length: concatenated
 *          | [1, intStream(m) lengths, bstr(Σ)]        varying lengths: lengths + concatenation
 *          | [2, d:uint, bytes (d entries, form 0, 1 or 3), intStream(m)]   dictionary + indexes
 *          | [3, bstr(⌈122·m / 8⌉)]                   all version-4 UUIDs: their 122 random bits,
 *                                                     packed most significant first, zero-padded
 *
 * Sixteen-byte UUIDs thus cost sixteen bytes each with no per-value header (random version-4
 * UUIDs 15.25: their 6 fixed version and variant bits are left out), and a foreign key to one of
 * twenty shelters costs one index byte. Decoded values are fresh plain Uint8Arrays.
 */
import { encodeIntStream, decodeIntStream } from './intStream.js';
import { corrupt } from './fail.js';
import { asArray, asBytes, asInt, type Cbor } from './tree.js';
import { dictionary } from './textColumn.js';

export const BYTES_FIXED = 0;
export const BYTES_VAR = 1;
export const BYTES_DICT = 2;
export const BYTES_UUID4 = 3;

/** Random bits of a version-4 UUID (RFC 9562 §5.4): 128 less 4 version and 2 variant bits. */
const UUID4_BITS = 122;

function isUuidV4(b: Uint8Array): boolean {
  return b.length === 16 && (b[6]! & 0xf0) === 0x40 && (b[8]! & 0xc0) === 0x80;
}

/** Bit widths of a UUID's 16 bytes in the packed form: byte 6 keeps its low nibble, byte 8 its low 6 bits. */
const UUID4_WIDTHS = [8, 8, 8, 8, 8, 8, 4, 8, 6, 8, 8, 8, 8, 8, 8, 8];

function packUuid4(values: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(Math.ceil((UUID4_BITS * values.length) / 8));
  let bit = 0;
  for (const v of values) {
    for (let i = 0; i < 16; i++) {
      const w = UUID4_WIDTHS[i]!;
      const x = v[i]! & ((1 << w) - 1);
      for (let k = w - 1; k >= 0; k--, bit++) if ((x >> k) & 1) out[bit >> 3]! |= 0x80 >> (bit & 7);
    }
  }
  return out;
}

function unpackUuid4(blob: Uint8Array, m: number, what: string): Uint8Array[] {
  if (blob.length !== Math.ceil((UUID4_BITS * m) / 8)) throw corrupt(`${what}: expected ${Math.ceil((UUID4_BITS * m) / 8)} bytes of packed UUIDs, got ${blob.length}`);
  const out = new Array<Uint8Array>(m);
  let bit = 0;
  for (let j = 0; j < m; j++) {
    const v = new Uint8Array(16);
    for (let i = 0; i < 16; i++) {
      let x = 0;
      for (let k = 0; k < UUID4_WIDTHS[i]!; k++, bit++) x = (x << 1) | ((blob[bit >> 3]! >> (7 - (bit & 7))) & 1);
      v[i] = x;
    }
    v[6] = v[6]! | 0x40;
    v[8] = v[8]! | 0x80;
    out[j] = v;
  }
  for (; bit < blob.length * 8; bit++) if ((blob[bit >> 3]! >> (7 - (bit & 7))) & 1) throw corrupt(`${what}: non-zero padding after packed UUIDs`);
  return out;
}

function key(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function concat(values: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const v of values) total += v.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const v of values) {
    out.set(v, off);
    off += v.length;
  }
  return out;
}

function encodePlain(values: readonly Uint8Array[]): Cbor {
  const width = values[0]?.length ?? 0;
  if (values.length > 0 && values.every(isUuidV4)) return [BYTES_UUID4, packUuid4(values)];
  if (values.every((v) => v.length === width)) return [BYTES_FIXED, width, concat(values)];
  return [BYTES_VAR, encodeIntStream(values.map((v) => v.length)), concat(values)];
}

/**
 * Longest value considered for a dictionary: 256 bytes. Ids, keys and hashes are far shorter;
 * file chunks are longer and never repeat within a changeset (they are content-addressed), so
 * building string keys for them would be wasted work.
 */
export const MAX_DICTIONARY_VALUE_BYTES = 256;

export function encodeBytesColumn(values: readonly Uint8Array[]): Cbor {
  if (values.length < 2 || values.some((v) => v.length > MAX_DICTIONARY_VALUE_BYTES)) return encodePlain(values);
  const keys = values.map(key);
  const { entries, index } = dictionary(keys);
  let raw = 0;
  for (const v of values) raw += v.length;
  let dict = 0;
  for (const k of entries) dict += k.length;
  dict += values.length * (entries.length <= 64 ? 1 : 2);
  if (entries.length < values.length && dict < raw) {
    const firstOf = new Map<string, Uint8Array>();
    keys.forEach((k, i) => firstOf.has(k) || firstOf.set(k, values[i]!));
    return [BYTES_DICT, entries.length, encodePlain(entries.map((k) => firstOf.get(k)!)), encodeIntStream(index)];
  }
  return encodePlain(values);
}

function decodePlain(a: Cbor[], m: number, what: string, maxLength: number): Uint8Array[] {
  if (a[0] === BYTES_UUID4) {
    if (a.length !== 2 || maxLength < 16) throw corrupt(`${what}: bad packed-UUID column`);
    return unpackUuid4(asBytes(a[1], what), m, what);
  }
  if (a.length !== 3) throw corrupt(`${what}: bad byte-string column`);
  const blob = asBytes(a[2], what);
  const out = new Array<Uint8Array>(m);
  if (a[0] === BYTES_FIXED) {
    const width = asInt(a[1], `${what} width`, 0, maxLength);
    if (blob.length !== width * m) throw corrupt(`${what}: expected ${width * m} bytes, got ${blob.length}`);
    for (let i = 0; i < m; i++) out[i] = blob.slice(i * width, (i + 1) * width);
    return out;
  }
  const lens = decodeIntStream(a[1], m, `${what} lengths`, 0, maxLength);
  let off = 0;
  for (let i = 0; i < m; i++) {
    if (off + lens[i]! > blob.length) throw corrupt(`${what}: lengths exceed data`);
    out[i] = blob.slice(off, off + lens[i]!);
    off += lens[i]!;
  }
  if (off !== blob.length) throw corrupt(`${what}: trailing bytes`);
  return out;
}

export function decodeBytesColumn(x: Cbor, m: number, what: string, maxLength: number): Uint8Array[] {
  const a = asArray(x, what);
  const mode = asInt(a[0], `${what} mode`, BYTES_FIXED, BYTES_UUID4);
  if (mode !== BYTES_DICT) return decodePlain(a, m, what, maxLength);
  if (a.length !== 4) throw corrupt(`${what}: bad byte-string dictionary`);
  const d = asInt(a[1], `${what} dictionary size`, 1, m);
  const inner = asArray(a[2], what);
  if (inner[0] !== BYTES_FIXED && inner[0] !== BYTES_VAR && inner[0] !== BYTES_UUID4) throw corrupt(`${what}: bad dictionary form`);
  const dict = decodePlain(inner, d, what, maxLength);
  return decodeIntStream(a[3], m, what, 0, d - 1).map((i) => dict[i]!.slice());
}
