/** Origin signatures (docs/protocol.md §3.4) on a benchmark changeset: real chains, real Ed25519 signatures. */
import { generateKeyPairSync } from 'node:crypto';
import type { Changeset } from '../../src/changeset/Changeset.js';
import { encodeChangeset } from '../../src/changeset/codec.js';
import { signOrigin } from '../../src/auth/originSignature.js';
import { CHAIN_ZERO, chainStep } from '../../src/store/chain.js';

/** `cs` as a relay or its origin sends it now: one signature per origin, over that origin's chain head. */
export function withOriginSigs(cs: Changeset): Changeset {
  const { privateKey } = generateKeyPairSync('ed25519');
  const heads = new Map<string, { seq: number; head: Uint8Array }>();
  for (const c of cs.changes) {
    const h = heads.get(c.origin) ?? { seq: 0, head: CHAIN_ZERO };
    heads.set(c.origin, { seq: c.seq, head: chainStep(h.head, c) });
  }
  const sigs: Record<string, Uint8Array> = {};
  for (const [o, h] of heads) sigs[o] = signOrigin(privateKey, o, h.seq, h.head);
  return { ...cs, sigs };
}

/** Bytes on air with and without origin signatures. */
export function originSigCost(cs: Changeset): { without: number; with: number; extra: number; share: number; origins: number } {
  const without = encodeChangeset(cs).length;
  const signed = withOriginSigs(cs);
  const w = encodeChangeset(signed).length;
  return { without, with: w, extra: w - without, share: (w - without) / without, origins: Object.keys(signed.sigs!).length };
}
