/**
 * Strings of one column.
 *
 *   strings := [0, [tstr × m]]                       raw, in row order
 *            | [1, [tstr × d], intStream(m)]          dictionary (most frequent first) + indexes
 *            | [2, …]                                 tokenised (textPattern.ts): digit runs as integers
 *            | [3, sep:tstr, tstr]                    raw, joined with `sep` (one code unit)
 *            | [4, sep:tstr, tstr, intStream(m)]      dictionary entries joined with `sep` + indexes
 *            | [5, …]                                 delimited lists of phrases (textList.ts)
 *
 * Joined forms are used whenever one of SEPARATORS occurs in no value: one long string without
 * per-value CBOR headers deflates ~17 % smaller (notes: 4.3 KB joined vs 5.2 KB as an array).
 *
 * The encoder estimates both sizes and picks the smaller; statuses, names and other repeated
 * values become one-byte indexes, which deflate then entropy-codes. Mostly distinct strings of one
 * shape with digit runs (phone numbers, dates, codes) are tokenised instead of stored raw, and
 * strings that are lists of repeated phrases ("needs insulin; arrived alone") are tried as lists.
 */
import { encodeIntStream, decodeIntStream } from './intStream.js';
import { corrupt } from './fail.js';
import { asArray, asInt, asString, type Cbor } from './tree.js';
import { trialDeflatedLength } from './compress.js';
import { cborEncoder } from './cbor.js';
import { TEXT_PATTERN, decodePattern, encodePattern, tokenise } from './textPattern.js';
import { TEXT_LIST, decodeList, encodeList, splitLists } from './textList.js';

export const TEXT_RAW = 0;
export const TEXT_DICT = 1;
export const TEXT_JOINED = 3;
export const TEXT_DICT_JOINED = 4;

/** Separators tried for the joined forms, in order: newline, NUL, unit separator. */
const SEPARATORS = ['\n', '\u0000', '\u001f'];

function separatorFor(values: readonly string[]): string | undefined {
  return SEPARATORS.find((sep) => values.every((v) => !v.includes(sep)));
}

function splitJoined(sepX: Cbor, joinedX: Cbor, count: number, what: string, maxLength: number): string[] {
  const sep = asString(sepX, `${what} separator`, 1);
  if (!SEPARATORS.includes(sep)) throw corrupt(`${what}: bad separator`);
  const joined = asString(joinedX, what, Number.MAX_SAFE_INTEGER);
  let parts = 1;
  for (let i = joined.indexOf(sep); i >= 0; i = joined.indexOf(sep, i + 1)) parts++;
  if (parts !== count) throw corrupt(`${what}: expected ${count} strings, got ${parts}`);
  return joined.split(sep).map((v) => asString(v, what, maxLength));
}

/** Dictionary entries, most frequent first (ties: first seen), and each value's index. */
export function dictionary<K>(keys: readonly K[]): { entries: K[]; index: number[] } {
  const counts = new Map<K, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const entries = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  const pos = new Map<K, number>(entries.map((k, i) => [k, i]));
  return { entries, index: keys.map((k) => pos.get(k)!) };
}

/** Dictionaries with at most 1/8 as many entries as values always win; others are tried. */
const CLEAR_DICTIONARY_RATIO = 8;
/** Columns smaller than this (estimated bytes) are not worth a trial deflate. */
const TRIAL_MIN_BYTES = 256;

function deflatedSize(x: Cbor): number {
  return trialDeflatedLength(cborEncoder.encode(x));
}

function rawForm(values: readonly string[]): Cbor {
  const tokens = tokenise(values);
  if (tokens) return encodePattern(tokens, encodeStrings);
  const sep = values.length > 1 ? separatorFor(values) : undefined;
  return sep === undefined ? [TEXT_RAW, [...values]] : [TEXT_JOINED, sep, values.join(sep)];
}

export function encodeStrings(values: readonly string[], allowLists = true): Cbor {
  const best = encodeWithoutLists(values);
  const lists = allowLists ? splitLists(values) : undefined;
  if (lists === undefined) return best;
  const listForm = encodeList(lists, (pieces) => encodeStrings(pieces, false));
  return deflatedSize(listForm) < deflatedSize(best) ? listForm : best;
}

function encodeWithoutLists(values: readonly string[]): Cbor {
  const { entries, index } = dictionary(values);
  if (entries.length === values.length) return rawForm(values);
  const sep = separatorFor(entries);
  const dictForm: Cbor =
    sep === undefined
      ? [TEXT_DICT, entries, encodeIntStream(index)]
      : [TEXT_DICT_JOINED, sep, entries.join(sep), encodeIntStream(index)];
  let raw = 0;
  for (const s of values) raw += s.length + 1;
  if (entries.length * CLEAR_DICTIONARY_RATIO <= values.length || raw < TRIAL_MIN_BYTES) return dictForm;
  // Mostly distinct values: let deflate decide (e.g. free-text notes deflate better raw).
  const other = rawForm(values);
  return deflatedSize(other) < deflatedSize(dictForm) ? other : dictForm;
}

export function decodeStrings(x: Cbor, m: number, what: string, maxLength: number, spendCells: (n: number) => void, inList = false): string[] {
  const a = asArray(x, what);
  const mode = asInt(a[0], `${what} mode`, TEXT_RAW, inList ? TEXT_DICT_JOINED : TEXT_LIST);
  if (mode === TEXT_LIST || mode === TEXT_PATTERN) {
    // composite forms: the parts were checked, the joined strings still must fit
    const out =
      mode === TEXT_LIST
        ? decodeList(a, m, what, (y, mm) => decodeStrings(y, mm, what, maxLength, spendCells, true), spendCells)
        : decodePattern(a, m, what, (y, mm) => decodeStrings(y, mm, what, maxLength, spendCells), spendCells);
    for (const s of out) if (s.length > maxLength) asString(s, what, maxLength);
    return out;
  }
  if (mode === TEXT_JOINED) {
    if (a.length !== 3) throw corrupt(`${what}: bad joined column`);
    return splitJoined(a[1], a[2], m, what, maxLength);
  }
  if (mode === TEXT_DICT_JOINED) {
    if (a.length !== 4) throw corrupt(`${what}: bad joined dictionary`);
    const count = asString(a[2], what, Number.MAX_SAFE_INTEGER).split(asString(a[1], what, 1)).length;
    if (count > m) throw corrupt(`${what}: bad dictionary size`);
    const dict = splitJoined(a[1], a[2], count, what, maxLength);
    return decodeIntStream(a[3], m, what, 0, dict.length - 1).map((i) => dict[i]!);
  }
  if (mode === TEXT_RAW) {
    if (a.length !== 2) throw corrupt(`${what}: bad string column`);
    return asArray(a[1], what, m).map((s) => asString(s, what, maxLength));
  }
  if (a.length !== 3) throw corrupt(`${what}: bad string dictionary`);
  const dict = asArray(a[1], what).map((s) => asString(s, what, maxLength));
  if (dict.length === 0 || dict.length > m) throw corrupt(`${what}: bad dictionary size`);
  return decodeIntStream(a[2], m, what, 0, dict.length - 1).map((i) => dict[i]!);
}
