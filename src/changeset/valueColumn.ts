/**
 * One column of field values (the m values of the rows that have this field, in row order).
 *
 *   column := [typeStream(m), sub-column for each type present, in type-code order]
 *
 *   type code  0 null  1 false  2 true            (no sub-column: the code is the value)
 *              3 int     safe integers, not -0     sub-column: intStream
 *              4 float   any other number          sub-column: see floatColumn.ts
 *              5 bigint                            sub-column: [bstr …] sign byte (0 = +, 1 = −)
 *                                                  then the magnitude big-endian, no leading zero
 *              6 string                            sub-column: see textColumn.ts
 *              7 bytes                             sub-column: see bytesColumn.ts
 *
 * A homogeneous column's type stream is one CBOR integer, so typing costs one byte.
 */
import type { FieldValue } from './Changeset.js';
import { encodeIntStream, decodeIntStream } from './intStream.js';
import { encodeFloats, decodeFloats } from './floatColumn.js';
import { encodeStrings, decodeStrings } from './textColumn.js';
import { encodeBytesColumn, decodeBytesColumn } from './bytesColumn.js';
import { corrupt, invalid, tooLarge } from './fail.js';
import { asArray, asBytes, isWellFormed, type Cbor } from './tree.js';

export const T_NULL = 0;
export const T_FALSE = 1;
export const T_TRUE = 2;
export const T_INT = 3;
export const T_FLOAT = 4;
export const T_BIGINT = 5;
export const T_STRING = 6;
export const T_BYTES = 7;
const SUB_TYPES = [T_INT, T_FLOAT, T_BIGINT, T_STRING, T_BYTES] as const;

function typeOf(v: FieldValue, what: string): number {
  if (v === null) return T_NULL;
  switch (typeof v) {
    case 'boolean':
      return v ? T_TRUE : T_FALSE;
    case 'number':
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? T_INT : T_FLOAT;
    case 'bigint':
      return T_BIGINT;
    case 'string':
      if (!isWellFormed(v)) throw invalid(`${what}: string with a lone surrogate`);
      return T_STRING;
    default:
      if (v instanceof Uint8Array) return T_BYTES;
      throw invalid(`${what}: not a FieldValue (${typeof v})`);
  }
}

function bigintToBytes(v: bigint): Uint8Array {
  const neg = v < 0n;
  let hex = (neg ? -v : v).toString(16);
  if (hex === '0') hex = '';
  if (hex.length % 2) hex = '0' + hex;
  const out = new Uint8Array(1 + hex.length / 2);
  out[0] = neg ? 1 : 0;
  for (let i = 0; i < hex.length / 2; i++) out[1 + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesToBigint(b: Uint8Array, what: string, maxLength: number): bigint {
  if (b.length - 1 > maxLength) throw tooLarge('maxStringLength', maxLength, b.length - 1);
  const sign = b[0];
  if ((sign !== 0 && sign !== 1) || b[1] === 0) throw corrupt(`${what}: non-canonical bigint`);
  if (b.length === 1) {
    if (sign === 1) throw corrupt(`${what}: negative zero bigint`);
    return 0n;
  }
  let hex = '0x';
  for (let i = 1; i < b.length; i++) hex += b[i]!.toString(16).padStart(2, '0');
  const mag = BigInt(hex);
  return sign ? -mag : mag;
}

export function encodeColumn(values: readonly FieldValue[], what: string): Cbor {
  const types = values.map((v) => typeOf(v, what));
  const out: Cbor[] = [encodeIntStream(types)];
  for (const t of SUB_TYPES) {
    const vs = values.filter((_, i) => types[i] === t);
    if (vs.length === 0) continue;
    if (t === T_INT) out.push(encodeIntStream(vs as number[]));
    else if (t === T_FLOAT) out.push(encodeFloats(vs as number[]));
    else if (t === T_BIGINT) out.push((vs as bigint[]).map(bigintToBytes));
    else if (t === T_STRING) out.push(encodeStrings(vs as string[]));
    else out.push(encodeBytesColumn(vs as Uint8Array[]));
  }
  return out;
}

export function decodeColumn(
  x: Cbor,
  m: number,
  what: string,
  maxLength: number,
  spendCells: (n: number) => void = () => {},
): FieldValue[] {
  const a = asArray(x, what);
  const types = decodeIntStream(a[0], m, `${what} types`, T_NULL, T_BYTES);
  const out = new Array<FieldValue>(m);
  let next = 1;
  for (const t of SUB_TYPES) {
    let count = 0;
    for (const ty of types) if (ty === t) count++;
    if (count === 0) continue;
    if (next >= a.length) throw corrupt(`${what}: missing sub-column`);
    const sub = a[next++];
    let vs: FieldValue[];
    if (t === T_INT) vs = decodeIntStream(sub, count, what);
    else if (t === T_FLOAT) vs = decodeFloats(sub, count, what);
    else if (t === T_BIGINT) vs = asArray(sub, what, count).map((b) => bytesToBigint(asBytes(b, what), what, maxLength));
    else if (t === T_STRING) vs = decodeStrings(sub, count, what, maxLength, spendCells);
    else vs = decodeBytesColumn(sub, count, what, maxLength);
    let k = 0;
    for (let i = 0; i < m; i++) if (types[i] === t) out[i] = vs[k++]!;
  }
  if (next !== a.length) throw corrupt(`${what}: extra sub-columns`);
  for (let i = 0; i < m; i++) {
    if (types[i] === T_NULL) out[i] = null;
    else if (types[i] === T_FALSE) out[i] = false;
    else if (types[i] === T_TRUE) out[i] = true;
  }
  return out;
}
