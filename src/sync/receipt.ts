/**
 * Receipts: a station's authenticated statement "I have durably applied everything up to this
 * version vector", sent back to the station that gave it data. Over the air the link's final ack
 * carries a short MAC-only receipt (see src/link); in a bundle, the full form below:
 *
 *   CBOR array [ "from": text, "to": text, "vv": map text → uint, "at": uint ms ] ‖ tag (8 bytes)
 *
 * The tag is the pairwise HMAC (src/auth/pairwise.ts) between `from` and `to`. A replayed
 * receipt changes nothing: acknowledged vectors only ever merge upward.
 */
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import type { VersionVector } from '../changeset/Changeset.js';
import { macTag, TAG_BYTES, verifyTag } from '../auth/pairwise.js';
import { makeError } from '../errors/RadiosyncError.js';
import { AUTH_ERRORS } from '../auth/errors.js';
import { SYNC_ERRORS } from './errors.js';
import type { Station } from '../station/Station.js';

export interface Receipt {
  from: string;
  to: string;
  vv: VersionVector;
  at: number;
}

export function sealReceipt(station: Station, to: string, vv: VersionVector): Uint8Array {
  const key = station.pairKey(to);
  if (key === undefined) throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_UNKNOWN_SIGNER', `no key for ${to}: add it with \`radiosync peer add\``, { station: to });
  const body = cborEncode([station.callsign, to, vv, station.clock.now()]) as Uint8Array;
  const out = new Uint8Array(body.length + TAG_BYTES);
  out.set(body);
  out.set(macTag(key, body), body.length);
  return out;
}

export function openReceipt(station: Station, bytes: Uint8Array): Receipt {
  if (bytes.length <= TAG_BYTES) throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_ACK_MALFORMED', 'receipt too short');
  const body = bytes.subarray(0, bytes.length - TAG_BYTES);
  let v: unknown;
  try {
    v = cborDecode(body);
  } catch (e) {
    throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_ACK_MALFORMED', 'receipt is not CBOR', {}, e);
  }
  if (!Array.isArray(v) || v.length !== 4 || typeof v[0] !== 'string' || typeof v[1] !== 'string' || typeof v[2] !== 'object' || v[2] === null || typeof v[3] !== 'number') {
    throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_ACK_MALFORMED', 'receipt has the wrong shape');
  }
  const [from, to, vvRaw, at] = v as [string, string, Record<string, unknown>, number];
  const vv: VersionVector = {};
  for (const [k, n] of Object.entries(vvRaw)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_ACK_MALFORMED', 'receipt vector entry is not a count');
    vv[k] = n;
  }
  if (to !== station.callsign) throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_NOT_ADDRESSED', `receipt is for ${to}, not ${station.callsign}`, { to });
  const key = station.isTrusted(from) ? station.pairKey(from) : undefined;
  if (key === undefined) throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_UNKNOWN_SIGNER', `receipt from unknown station ${from}`, { signer: from });
  if (!verifyTag(key, body, bytes.subarray(bytes.length - TAG_BYTES))) {
    throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_BAD_SIGNATURE', `bad tag on receipt from ${from}`, { signer: from });
  }
  return { from, to, vv, at };
}
