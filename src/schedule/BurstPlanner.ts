/**
 * The planner the daemon asks "may I key up now, and for how much?". It combines transmit windows,
 * the duty-cycle cap, byte/airtime budgets and the airtime arithmetic of the link, on whatever time
 * the caller passes (virtual or real): it never reads the clock and starts no timers.
 *
 * Typical daemon loop:
 *   const p = planner.plan(clock.now(), peer, { wantBytes });
 *   if (!p.ok) sleep until p.retryAt; else send ≤ p.maxBytes in one key-up of ≤ p.maxAirtimeMs,
 *   then planner.recordBurst(peer, bytesSent, airtimeMs, startedAt).
 */
import { burstAirtimeMs, bytesForAirtime, splitIntoFrames, type LinkParams } from '../radio/airtime.js';
import { Budget, type BudgetDenial, type BudgetState } from './Budget.js';
import { DutyCycle, type DutyCycleState } from './DutyCycle.js';
import { TransmitWindows } from './TransmitWindows.js';

/**
 * Longest single key-up by default: 30 s. Keeps a station from holding a shared channel for
 * minutes and bounds what one lost burst costs; at 1200 bit/s that is about 4 KB of frames.
 */
export const DEFAULT_MAX_BURST_MS = 30_000;
/** Default info-field bytes per frame when the caller does not say: 256. */
export const DEFAULT_FRAME_BYTES = 256;
/** Most re-plans {@link BurstPlanner.nextBurstAt} tries before giving up (returns Infinity). */
export const MAX_PLAN_ITERATIONS = 10_000;

/** Why a burst may not start now; 'beacon-not-due' only from {@link BurstPlanner.planBeacon}. */
export type BlockReason = 'window' | 'duty-cycle' | 'budget' | 'beacon-not-due';

export type BurstPlan =
  | {
      ok: true;
      /** The burst may start now. */
      at: number;
      /** Most info-field bytes in this burst. */
      maxBytes: number;
      /** Most airtime of this key-up, TXDELAY and TXTAIL included. */
      maxAirtimeMs: number;
      /** When the current window closes (Infinity with no windows). */
      windowEnd: number;
    }
  | {
      ok: false;
      reason: BlockReason;
      /** Ask again at this time (Infinity: never, e.g. a budget smaller than one frame). */
      retryAt: number;
      denial?: BudgetDenial;
    };

export interface PlannerOptions {
  link: LinkParams;
  /** Info-field bytes per frame (default {@link DEFAULT_FRAME_BYTES}). */
  frameBytes?: number;
  windows?: TransmitWindows;
  budget?: Budget;
  dutyCycle?: DutyCycle;
  /** Longest key-up (default {@link DEFAULT_MAX_BURST_MS}). */
  maxBurstMs?: number;
  /** Beacon interval in ms; 0 turns beacons off. */
  beaconIntervalMs?: number;
  /** Send beacons even when no window is open (default false: beacons obey windows too). */
  beaconOutsideWindows?: boolean;
}

export interface PlannerState {
  budget: BudgetState;
  duty: DutyCycleState;
  lastBeaconAt: number | null;
}

export class BurstPlanner {
  readonly link: LinkParams;
  readonly frameBytes: number;
  readonly windows: TransmitWindows;
  readonly budget: Budget;
  readonly dutyCycle: DutyCycle;
  readonly maxBurstMs: number;
  readonly beaconIntervalMs: number;
  readonly beaconOutsideWindows: boolean;
  private lastBeaconAt: number | null = null;

  constructor(opts: PlannerOptions, state?: PlannerState) {
    this.link = opts.link;
    this.frameBytes = opts.frameBytes ?? DEFAULT_FRAME_BYTES;
    this.windows = opts.windows ?? new TransmitWindows([]);
    this.budget = opts.budget ?? new Budget();
    this.dutyCycle = opts.dutyCycle ?? new DutyCycle({ capFraction: 1 });
    this.maxBurstMs = opts.maxBurstMs ?? DEFAULT_MAX_BURST_MS;
    this.beaconIntervalMs = opts.beaconIntervalMs ?? 0;
    this.beaconOutsideWindows = opts.beaconOutsideWindows ?? false;
    if (state) this.lastBeaconAt = state.lastBeaconAt;
  }

  /** Airtime of the smallest burst worth keying up for: one frame of `min(wantBytes, frameBytes)`. */
  minBurstAirtimeMs(wantBytes = this.frameBytes): number {
    return burstAirtimeMs([Math.max(1, Math.min(wantBytes, this.frameBytes))], this.link);
  }

  /**
   * May a burst to `peer` (null: broadcast / no particular peer) start at `now`, and how large?
   * `wantBytes` is how much the caller has to send (default: one full frame's worth is the least
   * worth a key-up); the plan never offers less than min(wantBytes, frameBytes).
   */
  plan(now: number, peer: string | null = null, opts: { wantBytes?: number; ignoreWindows?: boolean } = {}): BurstPlan {
    const minBytes = Math.max(1, Math.min(opts.wantBytes ?? this.frameBytes, this.frameBytes));
    const minAir = burstAirtimeMs([minBytes], this.link);

    let windowEnd = Infinity;
    if (!opts.ignoreWindows) {
      const cur = this.windows.current(now);
      if (!cur) return { ok: false, reason: 'window', retryAt: this.windows.nextWindow(now)?.start ?? Infinity };
      if (cur.end - now < minAir) {
        return { ok: false, reason: 'window', retryAt: this.windows.nextWindow(cur.end)?.start ?? Infinity };
      }
      windowEnd = cur.end;
    }
    let air = Math.min(this.maxBurstMs, windowEnd - now);

    const duty = this.dutyCycle.availableMs(now);
    if (duty < minAir) return { ok: false, reason: 'duty-cycle', retryAt: this.dutyCycle.nextAllowedAt(minAir, now) };
    air = Math.min(air, duty);

    const rem = this.budget.remaining(now, peer ?? undefined);
    air = Math.min(air, rem.airtimeMsHour, rem.airtimeMsDay);
    let bytes = Math.min(rem.bytesHour, rem.bytesDay, air >= minAir ? bytesForAirtime(air, this.frameBytes, this.link) : 0);
    if (bytes < minBytes) {
      const check = this.budget.canSpend(peer, minBytes, minAir, now);
      const denial = check.ok ? undefined : check.denial;
      // canSpend may pass where `remaining` (a min over scopes) did not only through rounding; retry a bucket later
      const retryAt = denial ? denial.retryAt : now + 60_000;
      return denial ? { ok: false, reason: 'budget', retryAt, denial } : { ok: false, reason: 'budget', retryAt };
    }
    bytes = Math.floor(bytes);
    const maxAirtimeMs = burstAirtimeMs(splitIntoFrames(bytes, this.frameBytes), this.link);
    return { ok: true, at: now, maxBytes: bytes, maxAirtimeMs, windowEnd };
  }

  /** The earliest time ≥ now at which {@link plan} would say yes (Infinity if never). */
  nextBurstAt(now: number, peer: string | null = null, opts: { wantBytes?: number; ignoreWindows?: boolean } = {}): number {
    let t = now;
    for (let i = 0; i < MAX_PLAN_ITERATIONS; i++) {
      const p = this.plan(t, peer, opts);
      if (p.ok) return t;
      if (!Number.isFinite(p.retryAt)) return Infinity;
      t = Math.max(t + 1, p.retryAt);
    }
    return Infinity;
  }

  /** Account for a key-up that happened: `bytes` of info field to `peer`, `airtimeMs` on air from `start`. */
  recordBurst(peer: string | null, bytes: number, airtimeMs: number, start: number): void {
    this.budget.record(peer, bytes, airtimeMs, start);
    this.dutyCycle.record(start, airtimeMs);
  }

  /** Whether a beacon is due at `now` (interval elapsed; it still needs {@link planBeacon}). */
  beaconDue(now: number): boolean {
    return this.beaconIntervalMs > 0 && (this.lastBeaconAt === null || now - this.lastBeaconAt >= this.beaconIntervalMs);
  }

  /** When the next beacon falls due (Infinity when beacons are off). */
  nextBeaconDueAt(now: number): number {
    if (this.beaconIntervalMs <= 0) return Infinity;
    return this.lastBeaconAt === null ? now : Math.max(now, this.lastBeaconAt + this.beaconIntervalMs);
  }

  /** Plan a beacon of `bytes`: windows (unless beaconOutsideWindows), duty cycle and the global budget apply. */
  planBeacon(now: number, bytes: number): BurstPlan {
    if (!this.beaconDue(now)) return { ok: false, reason: 'beacon-not-due', retryAt: this.nextBeaconDueAt(now) };
    return this.plan(now, null, { wantBytes: bytes, ignoreWindows: this.beaconOutsideWindows });
  }

  /** Account for a beacon sent at `start`. */
  recordBeacon(bytes: number, airtimeMs: number, start: number): void {
    this.recordBurst(null, bytes, airtimeMs, start);
    this.lastBeaconAt = start;
  }

  toState(now?: number): PlannerState {
    return { budget: this.budget.toState(now), duty: this.dutyCycle.toState(), lastBeaconAt: this.lastBeaconAt };
  }
}
