/**
 * Hybrid logical clock (Kulkarni et al., 2014), pure functions over the packed {@link Hlc} bigint:
 *
 * ```
 *  63                              16 15             0
 * +----------------------------------+----------------+
 * |  wall milliseconds since epoch   | logical counter|
 * +----------------------------------+----------------+
 * ```
 *
 * radiosync uses the HLC only to break ties between *concurrent* edits of the same field; the
 * cursor is the version vector. A remote timestamp may drag the local clock forward by at most
 * `maxDriftMs` beyond the local wall clock ({@link hlcReceive}); a station further ahead is flagged
 * by the caller instead of dragging every other station into its future.
 */
import { MAX_HLC, type Hlc } from '../changeset/Changeset.js';

/** Bits of the logical counter. */
export const HLC_COUNTER_BITS = 16n;
/** Largest logical counter; one more carries into the millisecond field (the packed +1 does that). */
export const HLC_COUNTER_MAX = 0xffff;
const COUNTER_MASK = (1n << HLC_COUNTER_BITS) - 1n;

export function hlcPack(wallMs: number, counter = 0): Hlc {
  return (BigInt(Math.max(0, Math.floor(wallMs))) << HLC_COUNTER_BITS) | BigInt(counter & HLC_COUNTER_MAX);
}

/** The wall-clock part, in milliseconds since the epoch. */
export function hlcWallMs(h: Hlc): number {
  return Number(h >> HLC_COUNTER_BITS);
}

export function hlcCounter(h: Hlc): number {
  return Number(h & COUNTER_MASK);
}

/**
 * `h + 1`, saturating at MAX_HLC (2^63 − 2^16 + 0xffff … below SQLite's INTEGER maximum): a stamp
 * at the cap stays at the cap and ties are then broken by origin. Peer stamps never reach it (the
 * decoder bounds them and apply holds far-ahead ones back), so only a station whose own clock
 * reads past the year 6429 would saturate.
 */
export function hlcAfter(h: Hlc): Hlc {
  return h >= MAX_HLC ? MAX_HLC : h + 1n;
}

/**
 * The next timestamp for a local event: strictly greater than `last` (saturating, see
 * {@link hlcAfter}), at least `wallMs`. With `maxDriftMs`: if `last` is more than that ahead of
 * the wall clock, the station's clock was set back (it ran ahead and was corrected); the HLC then
 * restarts at the wall clock instead of stamping every later edit in the wrong future, where it
 * would win every concurrent edit until the real time caught up. Per-row order is kept by the
 * caller (a change sorts after every change held for its row).
 */
export function hlcTick(last: Hlc, wallMs: number, maxDriftMs?: number): Hlc {
  const wall = hlcPack(wallMs);
  if (maxDriftMs !== undefined && last > hlcPack(wallMs + maxDriftMs, HLC_COUNTER_MAX)) return wall;
  return wall > last ? wall : hlcAfter(last);
}

/**
 * A received stamp as this station merges it: more than `maxDriftMs` ahead of the wall clock, it
 * is held back to `wallMs + maxDriftMs` (the origin is flagged by the caller). The stamp the
 * origin signed is kept beside it and forwarded unchanged.
 */
export function hlcHoldBack(remote: Hlc, wallMs: number, maxDriftMs: number): Hlc {
  const limit = hlcPack(wallMs + maxDriftMs, HLC_COUNTER_MAX);
  return remote > limit ? limit : remote;
}

export interface HlcReceiveResult {
  /** The new local clock value (strictly greater than `last`). */
  hlc: Hlc;
  /** How far the remote wall part is ahead of the local wall clock, in ms (negative: behind). */
  aheadMs: number;
  /** True when the remote was more than `maxDriftMs` ahead and was clamped (flag its station). */
  clamped: boolean;
}

/**
 * Merge a remote timestamp into the local clock. The result never exceeds
 * `wallMs + maxDriftMs` on account of the remote (it may on account of `last`, which was
 * bounded the same way when it was set).
 */
export function hlcReceive(last: Hlc, remote: Hlc, wallMs: number, maxDriftMs: number): HlcReceiveResult {
  const aheadMs = hlcWallMs(remote) - wallMs;
  const limit = hlcPack(wallMs + maxDriftMs, HLC_COUNTER_MAX);
  const clamped = remote > limit;
  const r = clamped ? limit : remote;
  const base = r > last ? r : last;
  const wall = hlcPack(wallMs);
  return { hlc: wall > base ? wall : hlcAfter(base), aheadMs, clamped };
}

/** Total order used to break ties: HLC first, then origin station id (byte order of the string). */
export function compareStamp(a: { hlc: Hlc; origin: string }, b: { hlc: Hlc; origin: string }): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  return a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0;
}
