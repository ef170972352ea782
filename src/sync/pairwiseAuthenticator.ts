/**
 * The link's ack authenticator (src/link/AckAuthenticator.ts) over the station's pairwise keys:
 * every ack carries an 8-byte HMAC tag over "FROM>TO" and the ack's bytes, so a forged ack cannot
 * make a sender drop data the receiver never got, a forged "complete" is ignored, and an ack
 * reflected back to its sender does not verify.
 */
import type { AckAuthenticator } from '../link/AckAuthenticator.js';
import { macTag, TAG_BYTES, verifyTag } from '../auth/pairwise.js';
import type { Station } from '../station/Station.js';

/**
 * What the tag covers: "FROM>TO" then the ack. The pair key is the same in both directions, so
 * without the direction an ack could be turned around and accepted by the station that sent it.
 */
function directed(from: string, to: string, bytes: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`${from}>${to}`);
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

export function pairwiseAuthenticator(station: Station): AckAuthenticator {
  return {
    enabled: true,
    sign(peer, bytes) {
      const key = station.pairKey(peer);
      return key ? macTag(key, directed(station.callsign, peer, bytes)) : new Uint8Array(TAG_BYTES);
    },
    verify(peer, bytes, tag) {
      const key = station.isTrusted(peer) ? station.pairKey(peer) : undefined;
      return key !== undefined && verifyTag(key, directed(peer, station.callsign, bytes), tag);
    },
  };
}
