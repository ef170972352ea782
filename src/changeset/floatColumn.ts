/**
 * Non-integer numbers (fractions, -0, NaN, ±Infinity, integers beyond 2^53) of one column.
 *
 *   floats := [0, scale:uint 1..15, intStream]   decimal: value = mantissa / 10^scale, exactly
 *           | [1, bstr 4m]                        float32 (every value exactly representable)
 *           | [2, bstr 8m]                        float64
 *
 * Float bytes are IEEE 754 big-endian, transposed into planes (byte 0 of every value, then byte
 * 1, …) so that the sign/exponent bytes, which repeat, sit together for deflate.
 *
 * Decimal form: coordinates such as 27.71234 are stored as the integer 2771234 with scale 5. It
 * is chosen only when mantissa / 10^scale reproduces every value bit for bit (IEEE division is
 * correctly rounded, so this is the same double a decimal parser gives), never for -0.
 * NaN is always written as the canonical quiet NaN: NaN payload bits are not preserved.
 */
import { encodeIntStream, decodeIntStream } from './intStream.js';
import { corrupt } from './fail.js';
import { asArray, asBytes, asInt, type Cbor } from './tree.js';

export const FLOAT_DECIMAL = 0;
export const FLOAT_32 = 1;
export const FLOAT_64 = 2;

/** Largest decimal scale tried: 10^15 still leaves mantissas of up to ±9 in safe range. */
export const MAX_DECIMAL_SCALE = 15;

const POW10 = Array.from({ length: MAX_DECIMAL_SCALE + 1 }, (_, k) => 10 ** k);

function decimalScale(v: number): number | undefined {
  if (!Number.isFinite(v) || Object.is(v, -0)) return undefined;
  for (let k = 1; k <= MAX_DECIMAL_SCALE; k++) {
    const m = Math.round(v * POW10[k]!);
    if (!Number.isSafeInteger(m)) return undefined;
    if (m / POW10[k]! === v) return k;
  }
  return undefined;
}

function mantissas(values: readonly number[], k: number): number[] | undefined {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const m = Math.round(values[i]! * POW10[k]!);
    if (!Number.isSafeInteger(m) || m / POW10[k]! !== values[i]) return undefined;
    out[i] = m === 0 ? 0 : m;
  }
  return out;
}

function planes(values: readonly number[], width: 4 | 8): Uint8Array {
  const m = values.length;
  const tmp = new DataView(new ArrayBuffer(width * m));
  for (let i = 0; i < m; i++) {
    if (width === 4) tmp.setFloat32(i * 4, values[i]!);
    else tmp.setFloat64(i * 8, Number.isNaN(values[i]) ? NaN : values[i]!);
  }
  const out = new Uint8Array(width * m);
  for (let i = 0; i < m; i++) for (let p = 0; p < width; p++) out[p * m + i] = tmp.getUint8(i * width + p);
  return out;
}

function unplanes(bytes: Uint8Array, m: number, width: 4 | 8): number[] {
  const tmp = new DataView(new ArrayBuffer(width * m));
  for (let i = 0; i < m; i++) for (let p = 0; p < width; p++) tmp.setUint8(i * width + p, bytes[p * m + i]!);
  const out = new Array<number>(m);
  for (let i = 0; i < m; i++) out[i] = width === 4 ? tmp.getFloat32(i * 4) : tmp.getFloat64(i * 8);
  return out;
}

/** Approximate CBOR size of an integer stream (a constant or a byte string). */
function streamSize(s: Cbor): number {
  if (s instanceof Uint8Array) return s.length + 2;
  const m = Math.abs(s as number);
  return m < 24 ? 1 : m < 0x100 ? 2 : m < 0x10000 ? 3 : m <= 0xffffffff ? 5 : 9;
}

export function encodeFloats(values: readonly number[]): Cbor {
  const width: 4 | 8 = values.every((v) => Object.is(Math.fround(v), v)) ? 4 : 8;
  let k = 0;
  for (const v of values) {
    const kv = decimalScale(v);
    if (kv === undefined) {
      k = -1;
      break;
    }
    if (kv > k) k = kv;
  }
  if (k > 0) {
    const ms = mantissas(values, k);
    if (ms) {
      const stream = encodeIntStream(ms);
      if (streamSize(stream) <= width * values.length) return [FLOAT_DECIMAL, k, stream];
    }
  }
  return [width === 4 ? FLOAT_32 : FLOAT_64, planes(values, width)];
}

export function decodeFloats(x: Cbor, m: number, what: string): number[] {
  const a = asArray(x, what);
  const mode = asInt(a[0], `${what} mode`, FLOAT_DECIMAL, FLOAT_64);
  if (mode === FLOAT_DECIMAL) {
    if (a.length !== 3) throw corrupt(`${what}: bad decimal column`);
    const k = asInt(a[1], `${what} scale`, 1, MAX_DECIMAL_SCALE);
    return decodeIntStream(a[2], m, what).map((v) => v / POW10[k]!);
  }
  if (a.length !== 2) throw corrupt(`${what}: bad float column`);
  const width = mode === FLOAT_32 ? 4 : 8;
  const bytes = asBytes(a[1], what);
  if (bytes.length !== width * m) throw corrupt(`${what}: float column has ${bytes.length} bytes for ${m} values`);
  return unplanes(bytes, m, width);
}
