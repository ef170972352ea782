/**
 * Strings of one column.
 *
 *   strings := [0, [tstr × m]]                       raw, in row order
 *            | [1, [tstr × d], intStream(m)]          dictionary (most frequent first) + indexes
 *
 * The encoder estimates both sizes and picks the smaller; statuses, names and other repeated
 * values become one-byte indexes, which deflate then entropy-codes.
 */
import { encodeIntStream, decodeIntStream } from './intStream.js';
import { corrupt } from './fail.js';
import { asArray, asInt, asString, type Cbor } from './tree.js';

export const TEXT_RAW = 0;
export const TEXT_DICT = 1;

/** Dictionary entries, most frequent first (ties: first seen), and each value's index. */
export function dictionary<K>(keys: readonly K[]): { entries: K[]; index: number[] } {
  const counts = new Map<K, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const entries = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  const pos = new Map<K, number>(entries.map((k, i) => [k, i]));
  return { entries, index: keys.map((k) => pos.get(k)!) };
}

export function encodeStrings(values: readonly string[]): Cbor {
  const { entries, index } = dictionary(values);
  let raw = 0;
  for (const s of values) raw += s.length + 1;
  let dict = 0;
  for (const s of entries) dict += s.length + 1;
  dict += values.length * (entries.length <= 64 ? 1 : 2);
  if (entries.length < values.length && dict < raw) return [TEXT_DICT, entries, encodeIntStream(index)];
  return [TEXT_RAW, [...values]];
}

export function decodeStrings(x: Cbor, m: number, what: string, maxLength: number): string[] {
  const a = asArray(x, what);
  const mode = asInt(a[0], `${what} mode`, TEXT_RAW, TEXT_DICT);
  if (mode === TEXT_RAW) {
    if (a.length !== 2) throw corrupt(`${what}: bad string column`);
    return asArray(a[1], what, m).map((s) => asString(s, what, maxLength));
  }
  if (a.length !== 3) throw corrupt(`${what}: bad string dictionary`);
  const dict = asArray(a[1], what).map((s) => asString(s, what, maxLength));
  if (dict.length === 0 || dict.length > m) throw corrupt(`${what}: bad dictionary size`);
  return decodeIntStream(a[2], m, what, 0, dict.length - 1).map((i) => dict[i]!);
}
