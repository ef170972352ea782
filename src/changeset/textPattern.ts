/**
 * Tokenised strings: every string of the column splits into the same sequence of digit runs
 * ([0-9]+) and other text, e.g. phone numbers "+977-9870545185", dates "2015-04-25", codes
 * "SH-0012". Each token position becomes its own column, and digit runs travel as integers.
 * Deflate codes decimal digits at ~4 bits each; as binary integers they cost log2(10) ≈ 3.3.
 *
 *   pattern := [2, firstIsDigits:0|1, token column × k]      k = tokens per string, 1..16
 *   token column (digit run)  := [intStream(m) run lengths, intStream(m) values]
 *                                 value printed in decimal, left-padded with zeros to the length
 *   token column (other text) := strings sub-column (raw or dictionary, textColumn.ts)
 */
import { encodeIntStream, decodeIntStream } from './intStream.js';
import { corrupt } from './fail.js';
import { asArray, asInt, type Cbor } from './tree.js';

export const TEXT_PATTERN = 2;

/** Most tokens per string for the pattern layout (bounds the token columns a decoder builds). */
export const MAX_TEXT_TOKENS = 16;
/** Longest digit run stored as an integer: 15 digits always fit a safe integer. */
const MAX_DIGIT_RUN = 15;

const TOKEN = /[0-9]+|[^0-9]+/g;

function isDigit(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** Token columns if every string has the same shape with at least one digit run, else undefined. */
export function tokenise(values: readonly string[]): { firstIsDigits: boolean; columns: string[][] } | undefined {
  let shape: string[] | undefined;
  let first = false;
  const columns: string[][] = [];
  for (const v of values) {
    const toks = v.match(TOKEN);
    if (toks === null || toks.length > MAX_TEXT_TOKENS) return undefined;
    if (shape === undefined) {
      shape = toks;
      first = isDigit(toks[0]!);
      if (!toks.some(isDigit)) return undefined;
      for (let k = 0; k < toks.length; k++) columns.push([]);
    } else if (toks.length !== shape.length || isDigit(toks[0]!) !== first) return undefined;
    for (let k = 0; k < toks.length; k++) {
      if (isDigit(toks[k]!) && toks[k]!.length > MAX_DIGIT_RUN) return undefined;
      columns[k]!.push(toks[k]!);
    }
  }
  return shape === undefined ? undefined : { firstIsDigits: first, columns };
}

export function encodePattern(
  t: { firstIsDigits: boolean; columns: string[][] },
  encodeText: (values: readonly string[]) => Cbor,
): Cbor {
  return [
    TEXT_PATTERN,
    t.firstIsDigits ? 1 : 0,
    ...t.columns.map((col, k) =>
      (k % 2 === 0) === t.firstIsDigits
        ? [encodeIntStream(col.map((s) => s.length)), encodeIntStream(col.map(Number))]
        : encodeText(col),
    ),
  ];
}

export function decodePattern(
  a: Cbor[],
  m: number,
  what: string,
  decodeText: (x: Cbor, m: number) => string[],
  spendCells: (n: number) => void,
): string[] {
  const firstIsDigits = asInt(a[1], `${what} pattern`, 0, 1) === 1;
  const k = a.length - 2;
  if (k < 1 || k > MAX_TEXT_TOKENS) throw corrupt(`${what}: bad token count`);
  spendCells(k * m);
  const out = new Array<string>(m).fill('');
  for (let t = 0; t < k; t++) {
    let col: string[];
    if ((t % 2 === 0) === firstIsDigits) {
      const pair = asArray(a[t + 2], what, 2);
      const lens = decodeIntStream(pair[0], m, `${what} digit runs`, 1, MAX_DIGIT_RUN);
      const vals = decodeIntStream(pair[1], m, `${what} digit runs`, 0, 10 ** MAX_DIGIT_RUN - 1);
      col = vals.map((v, i) => {
        const s = String(v);
        if (s.length > lens[i]!) throw corrupt(`${what}: digit run longer than its length`);
        return s.padStart(lens[i]!, '0');
      });
    } else {
      col = decodeText(a[t + 2], m);
      for (const s of col) if (s.length === 0 || /[0-9]/.test(s)) throw corrupt(`${what}: bad text token`);
    }
    for (let i = 0; i < m; i++) out[i] += col[i]!;
  }
  return out;
}
