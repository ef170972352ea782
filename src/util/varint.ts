/**
 * Unsigned LEB128 varints, the one codec for the link's frame fields (docs/protocol.md §2) and the
 * changeset streams' `uvarint` (§4): 7 bits per byte, least significant group first, high bit =
 * "more", shortest form only.
 * 0..127 → 1 byte, ..16383 → 2, ..2^21−1 → 3, ..2^28-1 → 4, ..2^35−1 → 5. Decoding is bounded by
 * `maxBytes`, so a run of 0xFF bytes cannot make it loop or overflow.
 */

export function varintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    n++;
  }
  return n;
}

/** Write `value` (a non-negative safe integer) at `offset`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    out[offset++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[offset++] = v;
  return offset;
}

/** Read a varint of at most `maxBytes` bytes; undefined if truncated or too long. */
export function readVarint(bytes: Uint8Array, offset: number, maxBytes: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    const b = bytes[offset + i];
    if (b === undefined) return undefined;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      // reject non-minimal encodings (a trailing zero group), so every value has one encoding
      if (i > 0 && b === 0) return undefined;
      return { value, next: offset + i + 1 };
    }
    scale *= 0x80;
  }
  return undefined;
}
