/**
 * Signed changeset envelope: what a transfer's payload is. Content stays in the clear (amateur
 * rules forbid encryption); the signature proves which station built it.
 *
 *   offset  size  field
 *   0       1     envelope version = 1
 *   1       1     n = length of the signer's callsign (1..9)
 *   2       n     signer callsign, ASCII ("N0CALL-7")
 *   2+n     L     payload (the compressed changeset)
 *   2+n+L   64    Ed25519 signature over bytes 0 … 2+n+L−1
 *
 * Cost on air: 66 + n bytes per changeset (about 72 B), paid once per changeset whatever its
 * size and whatever the number of receivers, and verifiable by any station that holds the
 * signer's public key (relays and bundles included). See docs/security.md.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { makeError } from '../errors/RadiosyncError.js';
import { AUTH_ERRORS } from './errors.js';

export const ENVELOPE_VERSION = 1;
export const SIGNATURE_BYTES = 64;
const MAX_SIGNER_BYTES = 9;

export function sealEnvelope(payload: Uint8Array, signer: string, key: KeyObject): Uint8Array {
  const name = new TextEncoder().encode(signer);
  if (name.length < 1 || name.length > MAX_SIGNER_BYTES) throw new RangeError(`bad signer ${signer}`);
  const out = new Uint8Array(2 + name.length + payload.length + SIGNATURE_BYTES);
  out[0] = ENVELOPE_VERSION;
  out[1] = name.length;
  out.set(name, 2);
  out.set(payload, 2 + name.length);
  const body = out.subarray(0, out.length - SIGNATURE_BYTES);
  out.set(sign(null, body, key), body.length);
  return out;
}

/** Read the signer without verifying (to look up its key). */
export function envelopeSigner(bytes: Uint8Array): string {
  if (bytes.length < 2 + 1 + SIGNATURE_BYTES || bytes[0] !== ENVELOPE_VERSION) {
    throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_MALFORMED', 'signed envelope too short or unknown version');
  }
  const n = bytes[1]!;
  if (n < 1 || n > MAX_SIGNER_BYTES || bytes.length < 2 + n + SIGNATURE_BYTES) {
    throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_MALFORMED', 'signed envelope signer field is malformed');
  }
  const s = new TextDecoder().decode(bytes.subarray(2, 2 + n));
  if (!/^[A-Z0-9]{1,6}(-\d{1,2})?$/.test(s)) throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_MALFORMED', 'signer is not a callsign');
  return s;
}

/**
 * Verify and unwrap. `keyOf` returns the signer's Ed25519 public key, or undefined when the
 * station is not a trusted peer.
 */
export function openEnvelope(
  bytes: Uint8Array,
  keyOf: (signer: string) => KeyObject | undefined,
): { signer: string; payload: Uint8Array } {
  const signer = envelopeSigner(bytes);
  const key = keyOf(signer);
  if (key === undefined) {
    throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_UNKNOWN_SIGNER', `changeset signed by unknown station ${signer}`, { signer });
  }
  const bodyEnd = bytes.length - SIGNATURE_BYTES;
  if (!verify(null, bytes.subarray(0, bodyEnd), key, bytes.subarray(bodyEnd))) {
    throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_BAD_SIGNATURE', `bad signature on changeset from ${signer}`, { signer });
  }
  return { signer, payload: bytes.slice(2 + bytes[1]!, bodyEnd) };
}
