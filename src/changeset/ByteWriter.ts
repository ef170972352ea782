/**
 * A growable byte buffer with the varints the changeset streams use.
 *
 *   uvarint:  LEB128, 7 bits per byte, low group first, high bit = "more follows"; at most
 *             8 bytes (values up to 2^53 - 1).
 *   svarint:  first byte = [more:1][magnitude low 6 bits:6][sign:1], then the rest of the magnitude
 *             as a uvarint (if "more"). Sign-magnitude rather than zigzag, so every safe integer
 *             (|v| ≤ 2^53 - 1) fits without passing 2^53 on the way.
 */
import { varintLength, writeVarint } from '../util/varint.js';

export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  get length(): number {
    return this.len;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  uvarint(v: number): void {
    this.room(8);
    this.len = writeVarint(this.buf, this.len, v);
  }

  /** Sign-magnitude varint of a safe integer (never -0). */
  svarint(v: number): void {
    const neg = v < 0 ? 1 : 0;
    const mag = neg ? -v : v;
    const low = mag % 0x40;
    const rest = Math.floor(mag / 0x40);
    this.byte((rest > 0 ? 0x80 : 0) | (low << 1) | neg);
    if (rest > 0) this.uvarint(rest);
  }

  /** uvarint(UTF-8 length) ‖ UTF-8 bytes, encoded in place (no intermediate buffer). */
  utf8(s: string): void {
    // at most 3 UTF-8 bytes per UTF-16 code unit
    this.room(8 + s.length * 3);
    const at = this.len + varintLength(s.length * 3);
    // encode after the widest length the string could need, then move it back if shorter
    const { written } = ENCODER.encodeInto(s, this.buf.subarray(at));
    const start = writeVarint(this.buf, this.len, written);
    if (start !== at) this.buf.copyWithin(start, at, at + written);
    this.len = start + written;
  }

  /** 64-bit unsigned big-endian (the value taken modulo 2^64). */
  u64be(v: bigint): void {
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setBigUint64(0, BigInt.asUintN(64, v));
    this.len += 8;
  }

  /** IEEE 754 double, big-endian. */
  f64be(v: number): void {
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, v);
    this.len += 8;
  }

  /** The bytes written so far, without a copy (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const ENCODER = new TextEncoder();

/** Bytes an uvarint of `v` takes. */
export const uvarintSize = varintLength;

/** Bytes an svarint of `v` takes. */
export function svarintSize(v: number): number {
  const rest = Math.floor(Math.abs(v) / 0x40);
  return rest > 0 ? 1 + uvarintSize(rest) : 1;
}
