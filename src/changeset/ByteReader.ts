/**
 * Reads what {@link ByteWriter} writes, throwing RS_ERR_CHANGESET_CORRUPT on anything that is
 * truncated, overlong or out of the safe-integer range.
 */
import { readVarint } from '../util/varint.js';
import { corrupt } from './fail.js';

/** A uvarint of a safe integer never needs more than 8 bytes (8 × 7 = 56 ≥ 53 bits). */
const MAX_UVARINT_BYTES = 8;

export class ByteReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw corrupt('stream truncated');
    return this.buf[this.pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw corrupt('stream truncated');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uvarint(): number {
    const r = readVarint(this.buf, this.pos, MAX_UVARINT_BYTES);
    if (r === undefined) {
      if (this.pos + MAX_UVARINT_BYTES > this.buf.length && this.buf.subarray(this.pos).every((b) => b & 0x80)) throw corrupt('stream truncated');
      throw corrupt('varint overlong or longer than 8 bytes');
    }
    if (!Number.isSafeInteger(r.value)) throw corrupt('varint out of range');
    this.pos = r.next;
    return r.value;
  }

  svarint(): number {
    const first = this.byte();
    const neg = first & 1;
    let mag = (first >> 1) & 0x3f;
    if (first & 0x80) {
      const rest = this.uvarint();
      if (rest === 0) throw corrupt('overlong varint');
      mag += rest * 0x40;
      if (!Number.isSafeInteger(mag)) throw corrupt('varint out of range');
    }
    if (neg) {
      if (mag === 0) throw corrupt('negative zero varint');
      return -mag;
    }
    return mag;
  }

  /** Throws unless every byte was consumed. */
  end(): void {
    if (this.pos !== this.buf.length) throw corrupt('trailing bytes in stream');
  }
}
