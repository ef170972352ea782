/**
 * Delimited lists: strings that are lists of short repeated phrases, e.g. notes such as
 * "Needs insulin; arrived alone", tags "flood, roof, urgent". Each string splits on one delimiter
 * into pieces; the pieces of all strings form one strings sub-column (which then takes the
 * dictionary form: one index per phrase instead of a deflate match of ~20 bits), and a count
 * stream says how many pieces each string had.
 *
 *   list := [5, delim:tstr, intStream(m) piece counts 0..MAX_LIST_PIECES, strings(Σ counts)]
 *
 * A count of 0 is the empty string; otherwise the string is its pieces joined with `delim`.
 * The pieces sub-column never uses this layout again (one level only).
 */
import { encodeIntStream, decodeIntStream } from './intStream.js';
import { corrupt } from './fail.js';
import { asString, type Cbor } from './tree.js';

export const TEXT_LIST = 5;

/** Delimiters tried, in order. */
export const LIST_DELIMITERS = ['; ', ', '] as const;
/** Most pieces in one string (bounds the pieces a decoder builds per value). */
export const MAX_LIST_PIECES = 64;
/**
 * A list layout is only tried when its pieces repeat: at most 1/2 as many distinct pieces as
 * pieces (otherwise a dictionary of pieces cannot beat deflate on the raw text).
 */
const LIST_REPEAT_RATIO = 2;

/** Counts and pieces for the first delimiter whose pieces repeat, or undefined. */
export function splitLists(values: readonly string[]): { delim: string; counts: number[]; pieces: string[] } | undefined {
  for (const delim of LIST_DELIMITERS) {
    if (!values.some((v) => v.includes(delim))) continue;
    const counts: number[] = [];
    const pieces: string[] = [];
    let fits = true;
    for (const v of values) {
      const parts = v === '' ? [] : v.split(delim);
      if (parts.length > MAX_LIST_PIECES) {
        fits = false;
        break;
      }
      counts.push(parts.length);
      pieces.push(...parts);
    }
    if (!fits) continue;
    if (new Set(pieces).size * LIST_REPEAT_RATIO <= pieces.length) return { delim, counts, pieces };
  }
  return undefined;
}

export function encodeList(
  l: { delim: string; counts: number[]; pieces: string[] },
  encodePieces: (values: readonly string[]) => Cbor,
): Cbor {
  return [TEXT_LIST, l.delim, encodeIntStream(l.counts), encodePieces(l.pieces)];
}

export function decodeList(
  a: Cbor[],
  m: number,
  what: string,
  decodePieces: (x: Cbor, m: number) => string[],
  spendCells: (n: number) => void,
): string[] {
  if (a.length !== 4) throw corrupt(`${what}: bad list column`);
  const delim = asString(a[1], `${what} delimiter`, 8);
  if (!(LIST_DELIMITERS as readonly string[]).includes(delim)) throw corrupt(`${what}: bad list delimiter`);
  const counts = decodeIntStream(a[2], m, `${what} piece counts`, 0, MAX_LIST_PIECES);
  let total = 0;
  for (const c of counts) total += c;
  spendCells(total);
  const pieces = decodePieces(a[3], total);
  const out = new Array<string>(m);
  let at = 0;
  for (let i = 0; i < m; i++) {
    const c = counts[i]!;
    out[i] = c === 0 ? '' : pieces.slice(at, at + c).join(delim);
    at += c;
  }
  return out;
}
