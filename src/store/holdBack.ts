/**
 * Holding back stamps from a clock that ran ahead (docs/records.md, "Clocks").
 *
 * Rule, the same at every station: a change sorts (among concurrent edits of a field) by
 *
 *   eff(x) = min( hlc(x),  min over later changes y of the same origin of hlc(y) + HOLD_BACK )
 *
 * where "later" means a higher seq. An origin's HLC never goes backwards while its clock is right,
 * so eff(x) = hlc(x) for every honest station. When a station's clock ran ahead and was set back,
 * its HLC restarts at the wall clock (hlcTick), and its first change after that holds every
 * earlier, future-stamped change back to at most HOLD_BACK after it: those changes stop winning
 * concurrent edits from then on, instead of for as long as the clock was ahead. eff depends only
 * on the origin's own changes, so every station that holds them computes the same value: the
 * merge stays a function of the set of changes, and stations converge. The stamp the origin
 * signed is kept (`wire_hlc`) and forwarded unchanged.
 */
import type { Hlc, StationId } from '../changeset/Changeset.js';
import { MAX_HLC } from '../changeset/Changeset.js';
import { HLC_COUNTER_MAX, hlcPack, hlcWallMs } from './hlc.js';
import { stmt, type StoreContext } from './StoreContext.js';
import { MAX_CLOCK_DRIFT_MS } from './limits.js';

/** How far a change may sort after a later change of its own origin: 10 min, the drift bound's default (a protocol constant, not per-station config, so every station computes the same). */
export const HOLD_BACK_MS = MAX_CLOCK_DRIFT_MS;

export function holdBackBound(later: Hlc): Hlc {
  const b = hlcPack(hlcWallMs(later) + HOLD_BACK_MS, HLC_COUNTER_MAX);
  return b > MAX_HLC ? MAX_HLC : b;
}

/**
 * Apply the rule after changes of `origin` with seq ≥ `first` were logged. Returns the rows whose
 * sort stamp changed (they must be merged again).
 */
export function holdBack(ctx: StoreContext, origin: StationId, first: number): Array<{ tbl: string; id: Uint8Array }> {
  // Only the stamps are read for every new change (a changeset may bring 100,000): the row of a
  // change is looked up when its stamp is held back, which an honest origin never needs.
  const fresh = stmt(ctx, 'SELECT seq, hlc, wire_hlc FROM radiosync_log WHERE origin = ? AND seq >= ? ORDER BY seq DESC', true).all(origin, first) as Array<{
    seq: bigint; hlc: bigint; wire_hlc: bigint | null;
  }>;
  if (fresh.length === 0) return [];
  const out: Array<{ tbl: string; id: Uint8Array }> = [];
  const set = stmt(ctx, 'UPDATE radiosync_log SET wire_hlc = COALESCE(wire_hlc, hlc), hlc = ? WHERE origin = ? AND seq = ?');
  const rowOf = stmt(ctx, 'SELECT tbl, id FROM radiosync_log WHERE origin = ? AND seq = ?');
  let minLater: Hlc | undefined;
  for (const r of fresh) {
    const wire = r.wire_hlc ?? r.hlc;
    if (minLater !== undefined) {
      const bound = holdBackBound(minLater);
      if (r.hlc > bound) {
        set.run(bound, origin, r.seq);
        const row = rowOf.get(origin, r.seq) as { tbl: string; id: Uint8Array };
        out.push({ tbl: row.tbl, id: new Uint8Array(row.id) });
      }
    }
    if (minLater === undefined || wire < minLater) minLater = wire;
  }
  const bound = holdBackBound(minLater!);
  const older = stmt(ctx, 'SELECT seq, tbl, id FROM radiosync_log WHERE origin = ? AND seq < ? AND hlc > ?', true).all(origin, first, bound) as Array<{
    seq: bigint; tbl: string; id: Uint8Array;
  }>;
  for (const r of older) {
    set.run(bound, origin, r.seq);
    out.push({ tbl: r.tbl, id: new Uint8Array(r.id) });
  }
  return out;
}
