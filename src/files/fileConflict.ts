/**
 * The conflict rule for `@files` rows, for whoever resolves versions (the record store's custom
 * resolver for the `@files` table, or FolderReplica in tests). A file entry resolves as a whole
 * row (never field by field: chunks from one version with the size of another would be garbage):
 *
 * 1. an edit beats a concurrent delete (the deleted file comes back; nothing is lost);
 * 2. otherwise the higher HLC wins, then the greater origin station id (deterministic everywhere);
 * 3. a losing live file whose content differs from the winner's is kept as a conflict copy
 *    `name.sync-conflict-YYYYMMDD-HHMMSS-CALLSIGN.ext` (see applyEntries).
 */
import { sameContent, type FileEntry } from './FileEntry.js';

export interface VersionedEntry {
  deleted: boolean;
  hlc: bigint;
  origin: string;
  entry: FileEntry;
}

export function pickFileWinner<T extends VersionedEntry>(a: T, b: T): { winner: T; loser: T } {
  if (a.deleted !== b.deleted) return a.deleted ? { winner: b, loser: a } : { winner: a, loser: b };
  if (a.hlc !== b.hlc) return a.hlc > b.hlc ? { winner: a, loser: b } : { winner: b, loser: a };
  return a.origin >= b.origin ? { winner: a, loser: b } : { winner: b, loser: a };
}

/** Whether the losing version must be kept as a conflict copy. */
export function needsConflictCopy(winner: VersionedEntry, loser: VersionedEntry): boolean {
  if (loser.deleted || loser.entry.type !== 'file') return false;
  return winner.deleted || !sameContent(winner.entry, loser.entry);
}
