/** Version-vector helpers (pure). A dot is one change: (origin, seq). */
import type { StationId, VersionVector } from '../changeset/Changeset.js';

export interface Dot {
  origin: StationId;
  seq: number;
}

/** Does `vv` cover the dot? */
export function covers(vv: VersionVector | undefined, dot: Dot): boolean {
  return vv !== undefined && (vv[dot.origin] ?? 0) >= dot.seq;
}

/** Pointwise maximum (a new object). */
export function vvMerge(a: VersionVector, b: VersionVector): VersionVector {
  const out: VersionVector = { ...a };
  for (const [k, v] of Object.entries(b)) if (v > (out[k] ?? 0)) out[k] = v;
  return out;
}

/**
 * A change's full causal context for its row: the transmitted `ctx` plus the origin's own earlier
 * changes (an origin's history is linear, so `seq - 1` of its own is always in the past; senders
 * leave that entry out to save bytes).
 */
export function fullContext(change: { origin: StationId; seq: number; ctx?: VersionVector }): VersionVector {
  const ctx: VersionVector = { ...(change.ctx ?? {}) };
  if ((ctx[change.origin] ?? 0) < change.seq - 1) ctx[change.origin] = change.seq - 1;
  return ctx;
}

/** Drop the origin's own entry (implied, see {@link fullContext}) and zero entries. */
export function compactContext(ctx: VersionVector, origin: StationId): VersionVector | undefined {
  const out: VersionVector = {};
  let n = 0;
  for (const [k, v] of Object.entries(ctx)) {
    if (k === origin || v <= 0) continue;
    out[k] = v;
    n++;
  }
  return n === 0 ? undefined : out;
}
