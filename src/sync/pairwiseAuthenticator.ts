/**
 * The link's ack authenticator (src/link/AckAuthenticator.ts) over the station's pairwise keys:
 * every ack carries an 8-byte HMAC tag, so a forged ack cannot make a sender drop data the
 * receiver never got, and a forged "complete" is ignored.
 */
import type { AckAuthenticator } from '../link/AckAuthenticator.js';
import { macTag, TAG_BYTES, verifyTag } from '../auth/pairwise.js';
import type { Station } from '../station/Station.js';

export function pairwiseAuthenticator(station: Station): AckAuthenticator {
  return {
    enabled: true,
    sign(peer, bytes) {
      const key = station.pairKey(peer);
      return key ? macTag(key, bytes) : new Uint8Array(TAG_BYTES);
    },
    verify(peer, bytes, tag) {
      const key = station.isTrusted(peer) ? station.pairKey(peer) : undefined;
      return key !== undefined && verifyTag(key, bytes, tag);
    },
  };
}
