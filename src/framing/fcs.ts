/**
 * AX.25 frame check sequence: CRC-16/X.25 (also called CRC-16/IBM-SDLC, ISO/IEC 13239).
 *
 *   poly 0x1021 (reflected 0x8408), init 0xFFFF, reflected in and out, xorout 0xFFFF,
 *   check value for ASCII "123456789" = 0x906E.
 *
 *   +-------------------------------+---------+---------+
 *   | address … control pid info    | FCS lo  | FCS hi  |   the FCS is sent low byte first
 *   +-------------------------------+---------+---------+
 *
 * A KISS TNC adds and strips the FCS itself, so radiosync only uses this on links that carry raw
 * AX.25 with no TNC (e.g. a soundcard modem fed directly). Hand-written: it is 20 lines, and a
 * dependency for a table-driven CRC would cost more than it saves.
 */

/** CRC-16/X.25 reflected polynomial. */
const POLY_REFLECTED = 0x8408;
/** Initial register value and final XOR of CRC-16/X.25. */
const CRC_INIT = 0xffff;
const CRC_XOROUT = 0xffff;
/** Number of FCS bytes appended to an AX.25 frame. */
export const FCS_BYTES = 2;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/X.25 of `bytes` (the value, not yet split into wire order). */
export function crc16x25(bytes: Uint8Array): number {
  let crc = CRC_INIT;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return (crc ^ CRC_XOROUT) & 0xffff;
}

/** `bytes` followed by their FCS, low byte first. */
export function appendFcs(bytes: Uint8Array): Uint8Array {
  const crc = crc16x25(bytes);
  const out = new Uint8Array(bytes.length + FCS_BYTES);
  out.set(bytes, 0);
  out[bytes.length] = crc & 0xff;
  out[bytes.length + 1] = crc >>> 8;
  return out;
}

/** True when the last two bytes of `frame` are the FCS of the rest. */
export function checkFcs(frame: Uint8Array): boolean {
  if (frame.length < FCS_BYTES) return false;
  const body = frame.subarray(0, frame.length - FCS_BYTES);
  const crc = crc16x25(body);
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
}
