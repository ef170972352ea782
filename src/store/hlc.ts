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
import type { Hlc } from '../changeset/Changeset.js';

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

/** The next timestamp for a local event: strictly greater than `last`, at least `wallMs`. */
export function hlcTick(last: Hlc, wallMs: number): Hlc {
  const wall = hlcPack(wallMs);
  return wall > last ? wall : last + 1n;
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
  return { hlc: wall > base ? wall : base + 1n, aheadMs, clamped };
}

/** Total order used to break ties: HLC first, then origin station id (byte order of the string). */
export function compareStamp(a: { hlc: Hlc; origin: string }, b: { hlc: Hlc; origin: string }): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  return a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0;
}
