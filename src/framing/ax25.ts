/**
 * AX.25 v2.2 UI frames (unnumbered information), as a KISS TNC passes them: no flags, no bit
 * stuffing, and no FCS unless `{ fcs: true }` (links with no TNC to add it).
 *
 *   +-------------+-------------+-------------------+---------+------+---------------+--------+
 *   | destination | source      | digipeaters 0..8  | control | PID  | info          | FCS    |
 *   | 7 bytes     | 7 bytes     | 7 bytes each      | 0x03    | 0xF0 | 0..2048 bytes | 2, opt |
 *   +-------------+-------------+-------------------+---------+------+---------------+--------+
 *
 *   one address field (7 bytes):
 *     bytes 0-5  callsign, ASCII upper case / digits, padded with spaces, each shifted left 1 bit
 *                (so bit 0 of these bytes is always 0)
 *     byte 6     SSID byte:   bit 7    | bits 6-5  | bits 4-1 | bit 0
 *                             C or H   | reserved  | SSID     | extension: 1 on the LAST address
 *                                      | sent as 11|          | of the whole field, else 0
 *       C bits (destination and source): command = dest C 1, source C 0; response = 0, 1 (v2.x).
 *       H bit (digipeater): 1 once that digipeater has repeated the frame.
 *
 *   control 0x03 = UI with P/F 0; 0x13 (UI with P/F 1) is accepted and read as UI.
 *   PID 0xF0 = no layer 3 protocol (radiosync's frames); any PID byte is decoded and reported.
 *
 * Decoding never throws: it returns `{ ok: false, error }` with one of
 *   RS_ERR_AX25_TOO_LONG, RS_ERR_AX25_TRUNCATED, RS_ERR_AX25_BAD_FCS, RS_ERR_AX25_BAD_ADDRESS,
 *   RS_ERR_AX25_NOT_UI (an I, S or other U frame: foreign traffic the caller counts and ignores).
 * C bits on decode: `command` is the destination's C bit. In v2 frames that is the spec's
 * meaning; legacy (v1) frames set both C bits equal (Dire Wolf's gen_packets sends 1/1), and then
 * the destination's bit is reported, so such frames re-encode with the source C bit cleared.
 *
 * Hand-written: the AX.25 codec is the project's heart, it is small, and it must be bounded and
 * total (no throws on air bytes), which no npm AX.25 package promises.
 */
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { assertValidAddress, MAX_CALLSIGN_LENGTH, type Ax25Address } from './callsign.js';
import { FRAMING_ERRORS, type FramingErrorCode } from './errors.js';
import { appendFcs, checkFcs, FCS_BYTES } from './fcs.js';

export type { Ax25Address } from './callsign.js';

export interface UiFrame {
  destination: Ax25Address;
  source: Ax25Address;
  digipeaters: Array<Ax25Address & { repeated: boolean }>;
  /** True for a command frame (dest C = 1, source C = 0), false for a response (0, 1). */
  command: boolean;
  pid: number;
  info: Uint8Array;
}

export type Ax25DecodeResult = { ok: true; frame: UiFrame } | { ok: false; error: RadiosyncError };

/** Bytes in one address field. */
export const ADDRESS_BYTES = 7;
/** AX.25 v2.2 allows at most 8 digipeaters in the path. */
export const MAX_DIGIPEATERS = 8;
/** Control byte of a UI frame with the P/F bit clear. */
export const CONTROL_UI = 0x03;
/** The P/F (poll/final) bit of a U-frame control byte. */
export const CONTROL_PF = 0x10;
/** PID "no layer 3 protocol": what radiosync sends. */
export const PID_NO_LAYER3 = 0xf0;
/**
 * Largest information field accepted, in bytes. 2048 is Dire Wolf's AX25_MAX_INFO_LEN, the most any
 * common TNC passes; the AX.25 default N1 is 256, and radiosync's link layer picks its own smaller
 * payload size within this.
 */
export const MAX_AX25_INFO_BYTES = 2048;
/** Smallest UI frame: destination, source, control, PID (16 bytes), no FCS. */
export const MIN_UI_FRAME_BYTES = 2 * ADDRESS_BYTES + 2;
/** Largest frame accepted, FCS excluded: 8 digipeaters and a full information field (2120 bytes). */
export const MAX_AX25_FRAME_BYTES = (2 + MAX_DIGIPEATERS) * ADDRESS_BYTES + 2 + MAX_AX25_INFO_BYTES;

/** SSID byte: C bit (destination, source) or H bit (digipeater). */
const SSID_CH_BIT = 0x80;
/** SSID byte: the two reserved bits, sent as 1 (AX.25 2.2 §3.12). */
const SSID_RESERVED_BITS = 0x60;
/** SSID byte: SSID in bits 4-1. */
const SSID_MASK = 0x1e;
/** SSID byte: extension bit, set on the last address of the field. */
const SSID_LAST_BIT = 0x01;
const SPACE = 0x20;

function encodeAddress(out: Uint8Array, at: number, a: Ax25Address, chBit: boolean, last: boolean): void {
  for (let i = 0; i < MAX_CALLSIGN_LENGTH; i++) {
    const c = i < a.callsign.length ? a.callsign.charCodeAt(i) : SPACE;
    out[at + i] = c << 1;
  }
  out[at + 6] = (chBit ? SSID_CH_BIT : 0) | SSID_RESERVED_BITS | (a.ssid << 1) | (last ? SSID_LAST_BIT : 0);
}

/**
 * Encode a UI frame (control 0x03). Throws RS_ERR_CALLSIGN_INVALID or RS_ERR_AX25_BAD_ARGUMENT on
 * a bad frame. With `{ fcs: true }` the CRC-16/X.25 FCS is appended.
 */
export function encodeUiFrame(frame: UiFrame, opts: { fcs?: boolean } = {}): Uint8Array {
  assertValidAddress(frame.destination, 'destination');
  assertValidAddress(frame.source, 'source');
  const digis = frame.digipeaters;
  if (digis.length > MAX_DIGIPEATERS) {
    throw makeError(FRAMING_ERRORS, 'RS_ERR_AX25_BAD_ARGUMENT', `at most ${MAX_DIGIPEATERS} digipeaters: ${digis.length}`, { digipeaters: digis.length });
  }
  digis.forEach((d, i) => assertValidAddress(d, `digipeater ${i + 1}`));
  if (!Number.isInteger(frame.pid) || frame.pid < 0 || frame.pid > 0xff) {
    throw makeError(FRAMING_ERRORS, 'RS_ERR_AX25_BAD_ARGUMENT', `"pid" must be 0-255: ${frame.pid}`, { pid: frame.pid });
  }
  if (frame.info.length > MAX_AX25_INFO_BYTES) {
    throw makeError(FRAMING_ERRORS, 'RS_ERR_AX25_BAD_ARGUMENT', `info is ${frame.info.length} bytes, over MAX_AX25_INFO_BYTES ${MAX_AX25_INFO_BYTES}`, {
      infoBytes: frame.info.length,
    });
  }
  const addrBytes = (2 + digis.length) * ADDRESS_BYTES;
  const out = new Uint8Array(addrBytes + 2 + frame.info.length);
  encodeAddress(out, 0, frame.destination, frame.command, false);
  encodeAddress(out, ADDRESS_BYTES, frame.source, !frame.command, digis.length === 0);
  digis.forEach((d, i) => encodeAddress(out, (2 + i) * ADDRESS_BYTES, d, d.repeated, i === digis.length - 1));
  out[addrBytes] = CONTROL_UI;
  out[addrBytes + 1] = frame.pid;
  out.set(frame.info, addrBytes + 2);
  return opts.fcs === true ? appendFcs(out) : out;
}

function fail(code: FramingErrorCode, message: string, data: Record<string, unknown> = {}): Ax25DecodeResult {
  return { ok: false, error: makeError(FRAMING_ERRORS, code, message, data) };
}

function isCallsignChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** Decode one address field at `at`, or explain why it is bad. */
function decodeAddress(bytes: Uint8Array, at: number): Ax25Address | string {
  let callsign = '';
  let padded = false;
  for (let i = 0; i < MAX_CALLSIGN_LENGTH; i++) {
    const raw = bytes[at + i]!;
    if (raw & 1) return `address byte ${at + i} has bit 0 set`;
    const c = raw >> 1;
    if (c === SPACE) {
      padded = true;
    } else if (padded || !isCallsignChar(c)) {
      return `bad callsign character 0x${c.toString(16)} at byte ${at + i}`;
    } else {
      callsign += String.fromCharCode(c);
    }
  }
  if (callsign.length === 0) return `empty callsign at byte ${at}`;
  return { callsign, ssid: (bytes[at + 6]! & SSID_MASK) >> 1 };
}

/**
 * Decode an AX.25 frame as a UI frame. Total: every input gives a result, never an exception, and
 * `info` is a copy (the frame holds no reference to `bytes`).
 */
export function decodeAx25(bytes: Uint8Array, opts: { fcs?: boolean } = {}): Ax25DecodeResult {
  const fcsBytes = opts.fcs === true ? FCS_BYTES : 0;
  if (bytes.length > MAX_AX25_FRAME_BYTES + fcsBytes) {
    return fail('RS_ERR_AX25_TOO_LONG', `frame is ${bytes.length} bytes, over ${MAX_AX25_FRAME_BYTES + fcsBytes}`, { bytes: bytes.length });
  }
  let body = bytes;
  if (fcsBytes > 0) {
    if (bytes.length < MIN_UI_FRAME_BYTES + FCS_BYTES) return fail('RS_ERR_AX25_TRUNCATED', `frame is ${bytes.length} bytes`, { bytes: bytes.length });
    if (!checkFcs(bytes)) return fail('RS_ERR_AX25_BAD_FCS', 'frame check sequence mismatch', { bytes: bytes.length });
    body = bytes.subarray(0, bytes.length - FCS_BYTES);
  }
  // Walk the address field: 7-byte groups until one has the extension bit set.
  const addresses: Array<{ addr: Ax25Address; chBit: boolean }> = [];
  let at = 0;
  for (;;) {
    if (at + ADDRESS_BYTES > body.length) {
      return fail('RS_ERR_AX25_TRUNCATED', `frame ends inside address ${addresses.length + 1}`, { bytes: body.length });
    }
    const addr = decodeAddress(body, at);
    if (typeof addr === 'string') return fail('RS_ERR_AX25_BAD_ADDRESS', addr, { address: addresses.length + 1 });
    const ssidByte = body[at + 6]!;
    addresses.push({ addr, chBit: (ssidByte & SSID_CH_BIT) !== 0 });
    at += ADDRESS_BYTES;
    if (ssidByte & SSID_LAST_BIT) break;
    if (addresses.length === 2 + MAX_DIGIPEATERS) {
      return fail('RS_ERR_AX25_BAD_ADDRESS', `more than ${MAX_DIGIPEATERS} digipeaters`, { address: addresses.length });
    }
  }
  if (addresses.length < 2) return fail('RS_ERR_AX25_BAD_ADDRESS', 'extension bit set on the destination: no source address', { address: 1 });
  if (at >= body.length) return fail('RS_ERR_AX25_TRUNCATED', 'frame ends before the control byte', { bytes: body.length });
  const control = body[at]!;
  if ((control & ~CONTROL_PF) !== CONTROL_UI) {
    return fail('RS_ERR_AX25_NOT_UI', `control 0x${control.toString(16).padStart(2, '0')} is not a UI frame`, { control });
  }
  if (at + 1 >= body.length) return fail('RS_ERR_AX25_TRUNCATED', 'frame ends before the PID', { bytes: body.length });
  const infoBytes = body.length - at - 2;
  if (infoBytes > MAX_AX25_INFO_BYTES) {
    return fail('RS_ERR_AX25_TOO_LONG', `info is ${infoBytes} bytes, over ${MAX_AX25_INFO_BYTES}`, { infoBytes });
  }
  const info = body.slice(at + 2);
  const [dest, src, ...digis] = addresses;
  return {
    ok: true,
    frame: {
      destination: dest!.addr,
      source: src!.addr,
      digipeaters: digis.map((d) => ({ ...d.addr, repeated: d.chBit })),
      command: dest!.chBit,
      pid: body[at + 1]!,
      info,
    },
  };
}
