/**
 * The hook that authenticates state-changing acks. A real implementation (a later issue) computes
 * an 8-byte truncated HMAC with the pairwise key of the two stations (src/auth/pairwise.ts); the
 * default {@link noAckAuthenticator} signs nothing and accepts everything, so the AUTH flag stays
 * clear and no tag bytes are spent.
 */
export interface AckAuthenticator {
  /** False for the no-op authenticator: acks go out without a tag and unsigned acks are accepted. */
  readonly enabled: boolean;
  /** Tag (AUTH_TAG_BYTES) for an ack this station sends to `peer`. */
  sign(peer: string, bytes: Uint8Array): Uint8Array;
  /** Whether `tag` authenticates `bytes` as sent by `peer`. */
  verify(peer: string, bytes: Uint8Array, tag: Uint8Array): boolean;
}

export const noAckAuthenticator: AckAuthenticator = {
  enabled: false,
  sign: () => new Uint8Array(0),
  verify: () => true,
};

/**
 * What an ACK's tag covers: the ack's bytes and, when its KNOWN bit is set, the transfer's 8-byte
 * payload hash as the receiver knows it (not sent: the sender appends its own). An ack about
 * another payload under the same transfer id (a reused id, a stale or replayed ack) then does not
 * verify, at no cost on the air.
 */
export function ackTagInput(bytes: Uint8Array, hash: Uint8Array | undefined): Uint8Array {
  if (!hash) return bytes;
  const out = new Uint8Array(bytes.length + hash.length);
  out.set(bytes);
  out.set(hash, bytes.length);
  return out;
}
