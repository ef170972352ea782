/**
 * Read access to what the log holds for one table, for layers that resolve rows themselves (folder
 * sync resolves `@files` rows as whole rows with its own rule, from every change held for them).
 * The answer depends only on the set of changes held, never on the order they arrived in.
 */
import type { StationId } from '../changeset/Changeset.js';
import type { HeldChange } from './merge.js';
import { rowChanges, stmt, type StoreContext } from './StoreContext.js';

/** Every change held for a row, each with its full causal context (own origin's past included). */
export function rowHistory(ctx: StoreContext, table: string, id: Uint8Array): HeldChange[] {
  return rowChanges(ctx, table, id);
}

/** The ids of every row of `table` with at least one change held. */
export function rowIds(ctx: StoreContext, table: string): Uint8Array[] {
  const rows = stmt(ctx, 'SELECT DISTINCT id FROM radiosync_log WHERE tbl = ?').all(table) as Array<{ id: Buffer }>;
  return rows.map((r) => new Uint8Array(r.id));
}

/** The ids of the rows of `table` changed by (origin, seq) dots in the given ranges (lo, hi]. */
export function rowIdsInRanges(ctx: StoreContext, table: string, ranges: Record<StationId, [number, number]>): Uint8Array[] {
  const q = stmt(ctx, 'SELECT DISTINCT id FROM radiosync_log WHERE tbl = ? AND origin = ? AND seq > ? AND seq <= ?');
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const [origin, [lo, hi]] of Object.entries(ranges)) {
    if (hi <= lo) continue;
    for (const r of q.all(table, origin, lo, hi) as Array<{ id: Buffer }>) {
      const k = r.id.toString('hex');
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(new Uint8Array(r.id));
    }
  }
  return out;
}
