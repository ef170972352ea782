/**
 * One-shot SHA-256. Node's `crypto.hash` (20.12 and later) hashes a short input about twice as
 * fast as `createHash().update().digest()`, which matters where a hash is taken per row (the
 * origin chain, digest leaves); older Node 20 releases use createHash.
 */
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Uint8Array, encoding: 'buffer') => Buffer;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export function sha256(data: string | Uint8Array): Buffer {
  return oneShot !== undefined ? oneShot('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest();
}
