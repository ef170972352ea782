/**
 * The one changeset for a group of peers (one transmission, one bundle, or a `diff` preview):
 * everything the least-acknowledged of them lacks, addressed to all of them, with the file
 * chunks any of them lacks (folder sync). Each receiver skips what it already holds.
 */
import type { Changeset, VersionVector } from '../changeset/Changeset.js';
import type { Station } from '../station/Station.js';
import type { FolderSync } from './FolderSync.js';

/** Pointwise minimum of the peers' acknowledged version vectors. */
export function ackedByAll(station: Station, peers: readonly string[]): VersionVector {
  const vvs = peers.map((p) => station.records.peer(p)?.acked ?? {});
  const out: VersionVector = {};
  for (const k of new Set(vvs.flatMap((v) => Object.keys(v)))) out[k] = Math.min(...vvs.map((v) => v[k] ?? 0));
  return out;
}

export function buildGroupChangeset(station: Station, peers: string[], folders?: FolderSync): Changeset {
  const cs = station.records.buildChangeset(peers[0]!, {
    acked: ackedByAll(station, peers),
    to: peers,
    maxChanges: station.config.limits.rows_per_changeset,
  });
  return folders?.enabled ? folders.attachChunks(cs, peers) : cs;
}
