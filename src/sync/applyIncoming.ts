/**
 * What a station does with a signed changeset it received, over the air or in a bundle:
 * verify, decode, check it is addressed here, apply it in one transaction (exactly once), and
 * note that its signer holds everything up to `upto` (so nothing is sent back to it needlessly).
 */
import type { ApplyResult } from '../store/apply.js';
import type { Changeset } from '../changeset/Changeset.js';
import { makeError } from '../errors/RadiosyncError.js';
import { SYNC_ERRORS } from './errors.js';
import { openChangeset } from './signedChangeset.js';
import type { Station } from '../station/Station.js';

export interface IncomingResult {
  from: string;
  rows: number;
  result: ApplyResult;
  /** The changeset itself (folder sync materialises its `@files` rows and chunks). */
  changeset: Changeset;
}

export function applyIncoming(station: Station, bytes: Uint8Array): IncomingResult {
  const { signer, changeset, hash } = openChangeset(station, bytes);
  if (changeset.to.length > 0 && !changeset.to.includes(station.callsign)) {
    throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_NOT_ADDRESSED', `changeset from ${signer} is for ${changeset.to.join(',')}`, { to: changeset.to });
  }
  const result = station.records.applyChangeset(changeset, { hash });
  station.records.acknowledge(signer, changeset.upto);
  return { from: signer, rows: changeset.changes.length, result, changeset };
}
