/**
 * Reads what {@link ByteWriter} writes, throwing RS_ERR_CHANGESET_CORRUPT on anything that is
 * truncated, overlong or out of the safe-integer range.
 */
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
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_UVARINT_BYTES; i++) {
      const b = this.byte();
      v += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(v)) throw corrupt('varint out of range');
        if (b === 0 && i > 0) throw corrupt('overlong varint');
        return v;
      }
      scale *= 0x80;
    }
    throw corrupt('varint too long');
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
