/**
 * Callsigns as AX.25 carries them: 1–6 letters or digits plus an SSID 0–15.
 *
 *   text form:  CALL[-SSID]      e.g. "N0CALL-7"; SSID 0 is written without a suffix ("N0CALL")
 *   wire form:  see ax25.ts (six bytes of ASCII shifted left one bit, then the SSID byte)
 *
 * Input is upper-cased, because operators type callsigns in lower case and AX.25 only carries
 * upper case (the shifted 7-bit field has room for lower case, but no TNC or digipeater accepts it).
 */
import { makeError } from '../errors/RadiosyncError.js';
import { FRAMING_ERRORS } from './errors.js';

export interface Ax25Address {
  callsign: string;
  ssid: number;
}

/** Longest callsign an AX.25 address field holds (six shifted ASCII bytes). */
export const MAX_CALLSIGN_LENGTH = 6;
/** Largest SSID: four bits of the SSID byte. */
export const MAX_SSID = 15;

const CALLSIGN_RE = /^[A-Z0-9]{1,6}$/;
const TEXT_RE = /^([A-Za-z0-9]{1,6})(?:-(\d{1,2}))?$/;

/** True when `callsign` is 1–6 upper-case letters or digits and `ssid` an integer 0–15. */
export function isValidAddress(a: Ax25Address): boolean {
  return (
    typeof a.callsign === 'string' &&
    CALLSIGN_RE.test(a.callsign) &&
    Number.isInteger(a.ssid) &&
    a.ssid >= 0 &&
    a.ssid <= MAX_SSID
  );
}

/** Throw RS_ERR_CALLSIGN_INVALID naming the value unless `a` is a valid address. */
export function assertValidAddress(a: Ax25Address, what = 'address'): void {
  if (!isValidAddress(a)) {
    throw makeError(
      FRAMING_ERRORS,
      'RS_ERR_CALLSIGN_INVALID',
      `${what} must be 1-6 upper-case letters or digits with SSID 0-15: ${JSON.stringify(a)}`,
      { callsign: a?.callsign, ssid: a?.ssid },
    );
  }
}

/** Parse "N0CALL-7" (case-insensitive) into `{ callsign: 'N0CALL', ssid: 7 }`; throws RS_ERR_CALLSIGN_INVALID. */
export function parseCallsign(text: string): Ax25Address {
  const m = typeof text === 'string' ? TEXT_RE.exec(text.trim()) : null;
  const ssid = m?.[2] === undefined ? 0 : Number(m[2]);
  if (m === null || ssid > MAX_SSID) {
    throw makeError(
      FRAMING_ERRORS,
      'RS_ERR_CALLSIGN_INVALID',
      `callsign must be 1-6 letters or digits with an optional SSID 0-15, like N0CALL-7: ${JSON.stringify(text)}`,
      { text },
    );
  }
  return { callsign: m[1]!.toUpperCase(), ssid };
}

/** "N0CALL-7"; SSID 0 is omitted ("N0CALL"). */
export function formatCallsign(a: Ax25Address): string {
  return a.ssid === 0 ? a.callsign : `${a.callsign}-${a.ssid}`;
}
