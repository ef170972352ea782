/**
 * Whole-row resolution of one `@files` row from every change held for it (the record store's log),
 * for the integration with the store. The result depends only on the *set* of changes, never on
 * the order they arrived in, so every station that holds the same changes writes the same files.
 *
 * 1. Each change's entry: an upsert carries the whole entry (folder sync sends all fields); a
 *    partial upsert is completed from the newest upsert its context covers. A delete stands for
 *    the entry it deleted (the newest upsert it covers, else the newest upsert held).
 * 2. The causal frontier: the changes no other held change has in its context (the rest were seen
 *    and superseded where they were made).
 * 3. The winner among the frontier: pickFileWinner's rule (an edit beats a concurrent delete, then
 *    the higher HLC, then the greater origin), with seq as a last tie-break so the order is total.
 * 4. Every other frontier version that is a live file with different content is a loser to keep
 *    as a conflict copy (needsConflictCopy).
 * Versions whose entry names another row (share/path not hashing to the row id) are ignored.
 */
import type { FieldValue, StationId, VersionVector } from '../changeset/Changeset.js';
import { bytesEqual } from './chunkHash.js';
import { needsConflictCopy, pickFileWinner } from './fileConflict.js';
import { applyFields, entryId, type FileEntry, type FileRowState } from './FileEntry.js';

/** One change held for the row, as the record store's log gives it (full causal context). */
export interface HeldFileChange {
  origin: StationId;
  seq: number;
  hlc: bigint;
  kind: 'upsert' | 'delete';
  fields: Record<string, FieldValue>;
  ctx: VersionVector;
}

export interface ResolvedFileRow {
  winner: FileRowState;
  /** Concurrent live versions that lost and differ in content: conflict copies. */
  losers: FileRowState[];
  /** Per origin, the highest seq held for the row: what the local state reflects once applied. */
  vv: VersionVector;
}

function covers(vv: VersionVector, c: HeldFileChange): boolean {
  return (vv[c.origin] ?? 0) >= c.seq;
}

/** Total order: HLC, then origin, then seq. */
function newer(a: HeldFileChange, b: HeldFileChange): boolean {
  if (a.hlc !== b.hlc) return a.hlc > b.hlc;
  if (a.origin !== b.origin) return a.origin > b.origin;
  return a.seq > b.seq;
}

/** Resolve a row; undefined when no held version names a usable entry (e.g. only a delete arrived). */
export function resolveFileRow(id: Uint8Array, changes: readonly HeldFileChange[]): ResolvedFileRow | undefined {
  const upserts = changes.filter((c) => c.kind === 'upsert');
  const newestOf = (list: HeldFileChange[]): HeldFileChange | undefined =>
    list.reduce<HeldFileChange | undefined>((best, c) => (best === undefined || newer(c, best) ? c : best), undefined);
  const memo = new Map<HeldFileChange, FileEntry | undefined>();
  const visiting = new Set<HeldFileChange>();
  const entryOf = (c: HeldFileChange): FileEntry | undefined => {
    if (memo.has(c)) return memo.get(c);
    if (visiting.has(c)) return undefined; // contexts claiming a cycle (impossible causally)
    visiting.add(c);
    const covered = upserts.filter((u) => u !== c && covers(c.ctx, u));
    let e: FileEntry | undefined;
    if (c.kind === 'upsert') {
      e = applyFields(undefined, c.fields);
      if (e === undefined) {
        const base = newestOf(covered);
        e = applyFields(base === undefined ? undefined : entryOf(base), c.fields);
      }
    } else {
      const base = newestOf(covered) ?? newestOf(upserts);
      e = base === undefined ? undefined : entryOf(base);
    }
    if (e !== undefined && !bytesEqual(entryId(e.share, e.path), id)) e = undefined;
    visiting.delete(c);
    memo.set(c, e);
    return e;
  };

  const maximal = changes.filter((a) => !changes.some((b) => b !== a && covers(b.ctx, a)));
  const frontier = (maximal.length > 0 ? maximal : [...changes])
    .map((c) => ({ c, entry: entryOf(c) }))
    .filter((v): v is { c: HeldFileChange; entry: FileEntry } => v.entry !== undefined)
    .map(({ c, entry }) => ({ c, deleted: c.kind === 'delete', hlc: c.hlc, origin: c.origin, entry }));
  if (frontier.length === 0) return undefined;
  // A fixed order before reducing, so ties (same HLC and origin) are broken by seq everywhere.
  frontier.sort((a, b) => (newer(a.c, b.c) ? -1 : 1));
  const winner = frontier.reduce((w, v) => pickFileWinner(w, v).winner);
  const state = (v: (typeof frontier)[number]): FileRowState => ({ id, deleted: v.deleted, entry: v.entry, origin: v.origin, hlc: v.hlc });
  const losers = frontier.filter((v) => v !== winner && needsConflictCopy(winner, v)).map(state);
  const vv: VersionVector = {};
  for (const c of changes) if ((vv[c.origin] ?? 0) < c.seq) vv[c.origin] = c.seq;
  return { winner: state(winner), losers, vv };
}
