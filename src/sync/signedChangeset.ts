/**
 * Changesets as they travel: encoded (CBOR + deflate), then signed by the station that built
 * them (src/auth/envelope.ts). Opening checks the signature against the trusted peers, decodes
 * within the configured limits, and returns the hash that the store records for exactly-once.
 */
import { createHash } from 'node:crypto';
import type { Changeset } from '../changeset/Changeset.js';
import { decodeChangeset, encodeChangeset } from '../changeset/codec.js';
import type { ChangesetLimits } from '../changeset/limits.js';
import { openEnvelope, sealEnvelope } from '../auth/envelope.js';
import { makeError } from '../errors/RadiosyncError.js';
import { AUTH_ERRORS } from '../auth/errors.js';
import type { Station } from '../station/Station.js';

export function sealChangeset(station: Station, cs: Changeset): Uint8Array {
  return sealEnvelope(encodeChangeset(cs), station.callsign, station.keys.signPrivate);
}

export interface OpenedChangeset {
  signer: string;
  changeset: Changeset;
  /** SHA-256 of the signed bytes: what the store records so a second copy is a no-op. */
  hash: Uint8Array;
  payloadBytes: number;
}

export function openChangeset(station: Station, bytes: Uint8Array, limits: Partial<ChangesetLimits> = {}): OpenedChangeset {
  const { signer, payload } = openEnvelope(bytes, (s) => (station.log.outOfUse(s) ? undefined : station.peerSignKey(s)));
  const changeset = decodeChangeset(payload, {
    maxInflatedBytes: station.config.limits.inflated_bytes,
    maxRows: station.config.limits.rows_per_changeset,
    ...limits,
  });
  if (changeset.from !== signer) {
    throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_BAD_SIGNATURE', `changeset claims to be from ${changeset.from} but is signed by ${signer}`, { signer, from: changeset.from });
  }
  return { signer, changeset, hash: new Uint8Array(createHash('sha256').update(bytes).digest()), payloadBytes: payload.length };
}
