/**
 * Origin signatures: each station signs the head of its own hash chain of changes, so a change
 * that claims origin X is accepted only with X's signature, whoever relays it (docs/protocol.md
 * §3.4). The message, byte-exact:
 *
 *   offset  size  field
 *   0       9     ASCII "RSORIGIN1"
 *   9       1     n = length of the origin's station id (1..16)
 *   10      n     origin station id, ASCII
 *   10+n    8     seq, unsigned big-endian (the last seq the chain head covers)
 *   18+n    32    chain head: SHA-256 hash chain over the origin's changes 1 … seq (store/chain.ts)
 *
 * Ed25519 over these 50 + n bytes; 64 bytes of signature per origin per changeset on air.
 */
import { sign, verify, type KeyObject } from 'node:crypto';

const DOMAIN = new TextEncoder().encode('RSORIGIN1');
export const CHAIN_HASH_BYTES = 32;

export function originMessage(origin: string, seq: number, head: Uint8Array): Uint8Array {
  const id = new TextEncoder().encode(origin);
  if (id.length < 1 || id.length > 16) throw new RangeError(`bad origin ${origin}`);
  if (head.length !== CHAIN_HASH_BYTES) throw new RangeError('chain head must be 32 bytes');
  const out = new Uint8Array(DOMAIN.length + 1 + id.length + 8 + CHAIN_HASH_BYTES);
  out.set(DOMAIN, 0);
  out[DOMAIN.length] = id.length;
  out.set(id, DOMAIN.length + 1);
  new DataView(out.buffer).setBigUint64(DOMAIN.length + 1 + id.length, BigInt(seq), false);
  out.set(head, DOMAIN.length + 9 + id.length);
  return out;
}

export function signOrigin(key: KeyObject, origin: string, seq: number, head: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, originMessage(origin, seq, head), key));
}

export function verifyOrigin(key: KeyObject, origin: string, seq: number, head: Uint8Array, sig: Uint8Array): boolean {
  try {
    return verify(null, originMessage(origin, seq, head), key, sig);
  } catch {
    return false;
  }
}
