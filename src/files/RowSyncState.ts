/**
 * The `RowSyncState` seam: what folder sync's integration with the record store keeps per `@files`
 * row (in SQLite: the station database, next to the other files_* tables):
 *
 *   files_row_seen  id → causal context (JSON VV) that the folder on disk reflects for the row:
 *                   set when a resolved row state is applied (or can never apply). A local edit is
 *                   stamped with this context, so an incoming version that was not written (e.g.
 *                   deferred because the file was being edited) stays concurrent with the edit and
 *                   ends as a conflict copy instead of being silently superseded. Also lets a
 *                   re-delivered changeset skip rows whose state is already on disk.
 *   files_pending   id → since: rows whose apply was deferred (chunks missing, target changed,
 *                   folder not mounted); retried on every later apply.
 *   files_capture_journal  scan changes written in the same transaction as the scan state, until
 *                   the record store has them (a crash between the two replays them).
 *   files_peer_owed (peer, id): rows a peer acknowledged without holding all their chunks yet (a
 *                   changeset's chunks were capped); their chunks go out in later changesets.
 *   files_problem   id → the error of the row's last apply (shown in `status`).
 *
 * Two implementations pass test/files/rowSyncStateCompliance.ts: {@link MemoryRowSyncState}
 * (src/files/MemoryRowSyncState.ts) and src/store/files/sqliteRowSyncState.ts. The SQLite one on
 * the station database joins the FilesDb's transactions (the scan journal commits with the scan
 * state); the memory one has no transactions of its own. All methods are synchronous.
 */
import type { VersionVector } from '../changeset/Changeset.js';
import type { FileChange } from './FileEntry.js';

export interface JournalRow {
  n: number;
  share: string;
  path: string;
  id: Uint8Array;
  kind: 'upsert' | 'delete';
}

/** An entry that could not be applied (rejected, or deferred by a disk error), with its error: shown in `status`. */
export interface FileProblem {
  path: string;
  code: string;
  message: string;
  since: number;
}

export interface RowSyncState {
  /** Record (or clear, with `undefined`) the problem of a row's last apply; a row keeps its first `since`. */
  noteProblem(id: Uint8Array, p: FileProblem | undefined): void;
  /** The most recent problems first (then by path), at most `limit` (default 20). */
  problems(limit?: number): FileProblem[];
  /** The context the disk reflects for a row (undefined: never applied here). */
  seen(id: Uint8Array): VersionVector | undefined;
  /** Record rows as applied (and no longer pending), in one transaction. */
  markApplied(rows: Iterable<{ id: Uint8Array; vv: VersionVector }>): void;
  /** Mark rows pending since `now` (a row already pending keeps its first `since`). */
  markPending(ids: Iterable<Uint8Array>, now: number): void;
  /** Pending rows, oldest first (then by id). */
  pending(): Uint8Array[];
  pendingCount(): number;
  /** Journal scan changes (call inside the scan-state transaction: ScanOptions.journal). */
  journal(share: string, changes: FileChange[], paths: string[]): void;
  /** Journal rows in order (`n` ascending). */
  journaled(): JournalRow[];
  /** The record store holds journal rows up to `n`. */
  clearJournal(n: number): void;
  /** Rows `peer` is owed chunks of, by id. */
  owed(peer: string): Uint8Array[];
  setOwed(peer: string, rows: Iterable<{ id: Uint8Array; owed: boolean }>): void;
}

/** Same vector, keys sorted (so equal vectors compare equal as JSON). */
export function sortVv(vv: VersionVector): VersionVector {
  const out: VersionVector = {};
  for (const k of Object.keys(vv).sort()) if ((vv[k] ?? 0) > 0) out[k] = vv[k]!;
  return out;
}

export function sameVv(a: VersionVector | undefined, b: VersionVector): boolean {
  return a !== undefined && JSON.stringify(sortVv(a)) === JSON.stringify(sortVv(b));
}
