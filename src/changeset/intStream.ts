/**
 * Integer streams: a sequence of n safe integers whose length n the reader already knows.
 *
 *   stream := int                      every value equals this CBOR integer (also n = 0)
 *           | bstr [kind:1] payload    kind selects the layout below
 *
 *   kind 0 PLAIN      n × svarint(v)
 *   kind 1 DELTA      n × svarint(v[i] - v[i-1])            (v[-1] = 0)
 *   kind 2 RLE        repeat { svarint(v) uvarint(run ≥ 1) } until n values
 *   kind 3 DELTA_RLE  RLE of the deltas (1, 2, 3, … is one pair)
 *   kind 4 FOR        svarint(base) [width:1 in 1..7] then width byte planes, most significant
 *                     plane first, each n bytes: v[i] - base split into big-endian bytes and
 *                     transposed so that deflate sees the slowly varying high bytes together.
 *
 * The encoder computes the exact size of every layout and keeps the smallest (ties go to the
 * lower kind); the constant form wins whenever it is no larger. The whole changeset is deflated
 * afterwards, so for longer streams the layouts within TRIAL_SLACK of the smallest are also
 * deflated on their own and the smallest result wins: random 8-digit phone numbers are smaller
 * as deltas (3.98 bytes each) than as byte planes (4), but the planes deflate to 3.4, since the
 * top plane holds only 0..5.
 */
import { ByteReader } from './ByteReader.js';
import { ByteWriter, svarintSize, uvarintSize } from './ByteWriter.js';
import { corrupt } from './fail.js';
import type { Cbor } from './tree.js';
import { trialDeflatedLength } from './compress.js';

export const INT_PLAIN = 0;
export const INT_DELTA = 1;
export const INT_RLE = 2;
export const INT_DELTA_RLE = 3;
export const INT_FOR = 4;

/** Streams of at least this many values get the deflate trial (shorter ones: exact size only). */
const TRIAL_MIN_VALUES = 32;
/** Layouts up to this factor larger than the smallest before deflate take part in the trial. */
const TRIAL_SLACK = 1.5;

/** Widest frame-of-reference offset, in bytes (7 × 8 = 56 ≥ 53 bits). */
const MAX_FOR_WIDTH = 7;

/** CBOR size of an integer head (major type 0/1) as cbor-x writes it. */
function cborIntSize(v: number): number {
  const m = v < 0 ? -1 - v : v;
  if (m < 24) return 1;
  if (m < 0x100) return 2;
  if (m < 0x10000) return 3;
  if (m <= 0xffffffff) return 5;
  return 9; // cbor-x writes integers beyond 32 bits as float64
}

/** CBOR size of a byte string of `len` bytes. */
function cborBstrSize(len: number): number {
  return len + (len < 24 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 5);
}

function deltas(values: readonly number[]): number[] | undefined {
  const out = new Array<number>(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - prev;
    if (!Number.isSafeInteger(d)) return undefined;
    out[i] = d === 0 ? 0 : d;
    prev = values[i]!;
  }
  return out;
}

function plainSize(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += svarintSize(v);
  return s;
}

function rleSize(values: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < values.length; ) {
    let j = i + 1;
    while (j < values.length && values[j] === values[i]) j++;
    s += svarintSize(values[i]!) + uvarintSize(j - i);
    i = j;
  }
  return s;
}

function forWidth(values: readonly number[]): { base: number; width: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  if (!Number.isSafeInteger(range)) return undefined;
  let width = 1;
  while (range >= 2 ** (8 * width)) width++;
  return width > MAX_FOR_WIDTH ? undefined : { base: min, width };
}

function writeRle(w: ByteWriter, values: readonly number[]): void {
  for (let i = 0; i < values.length; ) {
    let j = i + 1;
    while (j < values.length && values[j] === values[i]) j++;
    w.svarint(values[i]!);
    w.uvarint(j - i);
    i = j;
  }
}

/** Encode safe integers (no -0) as the smallest stream. */
export function encodeIntStream(values: readonly number[]): Cbor {
  const n = values.length;
  if (n === 0) return 0;
  const first = values[0]!;
  const constant = values.every((v) => v === first);
  const d = deltas(values);
  const fr = forWidth(values);
  const candidates: Array<[number, number]> = [
    [INT_PLAIN, plainSize(values)],
    [INT_RLE, rleSize(values)],
  ];
  if (d) candidates.push([INT_DELTA, plainSize(d)], [INT_DELTA_RLE, rleSize(d)]);
  if (fr) candidates.push([INT_FOR, svarintSize(fr.base) + 1 + fr.width * n]);
  candidates.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const [smallest, size] = candidates[0]!;
  if (constant && cborIntSize(first) <= cborBstrSize(1 + size)) return first;
  const write = (kind: number, bytes: number): Uint8Array => writeLayout(kind, bytes, values, d, fr);
  if (n < TRIAL_MIN_VALUES) return write(smallest, size);
  let best = write(smallest, size);
  let bestDeflated = trialDeflatedLength(best);
  for (const [kind, bytes] of candidates.slice(1)) {
    if (bytes > size * TRIAL_SLACK) break;
    const out = write(kind, bytes);
    const deflated = trialDeflatedLength(out);
    if (deflated < bestDeflated) [best, bestDeflated] = [out, deflated];
  }
  return best;
}

function writeLayout(
  kind: number,
  size: number,
  values: readonly number[],
  d: readonly number[] | undefined,
  fr: { base: number; width: number } | undefined,
): Uint8Array {
  const w = new ByteWriter(size + 1);
  w.byte(kind);
  switch (kind) {
    case INT_PLAIN:
      for (const v of values) w.svarint(v);
      break;
    case INT_DELTA:
      for (const v of d!) w.svarint(v);
      break;
    case INT_RLE:
      writeRle(w, values);
      break;
    case INT_DELTA_RLE:
      writeRle(w, d!);
      break;
    case INT_FOR: {
      const { base, width } = fr!;
      w.svarint(base);
      w.byte(width);
      for (let p = width - 1; p >= 0; p--) {
        const div = 2 ** (8 * p);
        for (const v of values) w.byte(Math.floor((v - base) / div) % 256);
      }
      break;
    }
  }
  return w.finish();
}

function readRle(r: ByteReader, n: number, what: string): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const v = r.svarint();
    const run = r.uvarint();
    if (run < 1 || run > n - out.length) throw corrupt(`${what}: bad run length`);
    for (let k = 0; k < run; k++) out.push(v);
  }
  return out;
}

function undelta(d: number[], what: string): number[] {
  let acc = 0;
  for (let i = 0; i < d.length; i++) {
    acc += d[i]!;
    if (!Number.isSafeInteger(acc)) throw corrupt(`${what}: delta sum out of range`);
    d[i] = acc === 0 ? 0 : acc;
  }
  return d;
}

/**
 * Decode a stream of exactly `n` integers (the caller has already bounded n), each checked to lie
 * in [min, max].
 */
export function decodeIntStream(x: Cbor, n: number, what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number[] {
  let out: number[];
  if (typeof x === 'number') {
    if (!Number.isSafeInteger(x) || Object.is(x, -0)) throw corrupt(`${what}: bad constant`);
    out = new Array<number>(n).fill(x);
  } else if (x instanceof Uint8Array) {
    const r = new ByteReader(x);
    const kind = r.byte();
    switch (kind) {
      case INT_PLAIN:
      case INT_DELTA: {
        if (r.remaining < n) throw corrupt(`${what}: stream truncated`);
        out = new Array<number>(n);
        for (let i = 0; i < n; i++) out[i] = r.svarint();
        if (kind === INT_DELTA) undelta(out, what);
        break;
      }
      case INT_RLE:
        out = readRle(r, n, what);
        break;
      case INT_DELTA_RLE:
        out = undelta(readRle(r, n, what), what);
        break;
      case INT_FOR: {
        const base = r.svarint();
        const width = r.byte();
        if (width < 1 || width > MAX_FOR_WIDTH) throw corrupt(`${what}: bad width`);
        const planes = r.bytes(width * n);
        out = new Array<number>(n);
        for (let i = 0; i < n; i++) {
          let off = 0;
          for (let p = 0; p < width; p++) off = off * 256 + planes[p * n + i]!;
          const v = base + off;
          if (!Number.isSafeInteger(v)) throw corrupt(`${what}: value out of range`);
          out[i] = v;
        }
        break;
      }
      default:
        throw corrupt(`${what}: unknown integer layout ${kind}`);
    }
    r.end();
  } else {
    throw corrupt(`${what}: expected an integer stream`);
  }
  for (const v of out) if (v < min || v > max) throw corrupt(`${what}: value ${v} out of ${min}..${max}`);
  return out;
}
