/**
 * Pairwise MAC keys and short tags for acknowledgements.
 *
 * Two stations derive the same 32-byte key from static X25519 Diffie-Hellman of their station
 * keys, through HKDF-SHA256 (salt "radiosync pairwise v1", info = the two callsigns sorted and
 * joined by a space). A tag is HMAC-SHA256(key, message) truncated to {@link TAG_BYTES} bytes.
 *
 * Why 8 bytes: an ack is sent every burst, so its size is paid many times per transfer; a forger
 * on the air gets one guess per transmission (each costs it seconds of airtime), so 2^-64 per try
 * is ample. A signature (64 B) on every ack would cost more airtime than the ack itself.
 */
import { createHmac, diffieHellman, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';

export const TAG_BYTES = 8;
const SALT = 'radiosync pairwise v1';

export function pairwiseKey(myCall: string, myDhPrivate: KeyObject, peerCall: string, peerDhPublic: KeyObject): Uint8Array {
  const shared = diffieHellman({ privateKey: myDhPrivate, publicKey: peerDhPublic });
  const info = [myCall, peerCall].sort().join(' ');
  return new Uint8Array(hkdfSync('sha256', shared, SALT, info, 32));
}

export function macTag(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(message).digest().subarray(0, TAG_BYTES));
}

export function verifyTag(key: Uint8Array, message: Uint8Array, tag: Uint8Array): boolean {
  if (tag.length !== TAG_BYTES) return false;
  return timingSafeEqual(macTag(key, message), tag);
}
