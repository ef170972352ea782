/**
 * Duty-cycle cap: at most `capFraction` of any rolling `windowMs` may be spent transmitting
 * (e.g. ≤ 20 % over 10 minutes, a common band-plan or equipment limit).
 *
 * The check is conservative: a key-up of `d` ms may start at `t` only if
 * (transmit time in (t−W, t]) + d ≤ cap·W. Because older transmissions only leave the window as time
 * passes, every rolling window that contains the new key-up then also stays within the cap.
 *
 * Pure: every method takes `now`; state is a plain serialisable object.
 */

/** Default cap: 20 % transmit. */
export const DEFAULT_DUTY_CYCLE_FRACTION = 0.2;
/** Default rolling window: 10 minutes. */
export const DEFAULT_DUTY_CYCLE_WINDOW_MS = 600_000;
/**
 * Most key-ups remembered: 4 096. Far more than fit in a 10-minute window at realistic burst
 * lengths; beyond it, the oldest two are merged into one interval spanning both (still conservative).
 */
export const MAX_DUTY_CYCLE_INTERVALS = 4096;

/** [start ms, end ms] of one key-up. */
export type TxInterval = [number, number];

export interface DutyCycleState {
  intervals: TxInterval[];
}

export class DutyCycle {
  readonly capFraction: number;
  readonly windowMs: number;
  private intervals: TxInterval[] = [];

  constructor(opts: { capFraction?: number; windowMs?: number } = {}, state?: DutyCycleState) {
    this.capFraction = opts.capFraction ?? DEFAULT_DUTY_CYCLE_FRACTION;
    this.windowMs = opts.windowMs ?? DEFAULT_DUTY_CYCLE_WINDOW_MS;
    if (!(this.capFraction > 0 && this.capFraction <= 1)) throw new RangeError(`capFraction must be in (0, 1]: ${this.capFraction}`);
    if (!(this.windowMs > 0)) throw new RangeError(`windowMs must be > 0: ${this.windowMs}`);
    if (state) this.intervals = state.intervals.map((x) => [x[0], x[1]]);
  }

  /** Transmit ms allowed in one window: cap·W. */
  get allowanceMs(): number {
    return this.capFraction * this.windowMs;
  }

  /** Transmit time inside the window (now−W, now]. */
  usedMs(now: number): number {
    return this.usedAt(now);
  }

  /** The longest key-up that may start now (0 when none). A cap of 1 (100 %) is unlimited. */
  availableMs(now: number): number {
    if (this.capFraction >= 1) return Infinity;
    return Math.max(0, this.allowanceMs - this.usedAt(now));
  }

  /** Whether a key-up of `durationMs` may start now. */
  canTransmit(durationMs: number, now: number): boolean {
    return durationMs <= this.availableMs(now);
  }

  /**
   * The earliest time ≥ now at which a key-up of `durationMs` may start (Infinity if it exceeds cap·W).
   * Used time is a non-increasing function of t once no new key-up happens, so a binary search to
   * the millisecond finds it.
   */
  nextAllowedAt(durationMs: number, now: number): number {
    if (this.canTransmit(durationMs, now)) return now;
    if (durationMs > this.allowanceMs) return Infinity;
    let lo = now;
    let hi = now + this.windowMs; // by then every past key-up has left the window
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.allowanceMs - this.usedAt(mid) >= durationMs) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** Record a key-up from `start` to `start + durationMs`. */
  record(start: number, durationMs: number): void {
    if (durationMs <= 0) return;
    this.intervals.push([start, start + durationMs]);
    const cut = start - this.windowMs;
    while (this.intervals.length > 0 && this.intervals[0]![1] <= cut) this.intervals.shift();
    if (this.intervals.length > MAX_DUTY_CYCLE_INTERVALS) {
      const a = this.intervals.shift()!;
      const b = this.intervals[0]!;
      this.intervals[0] = [a[0], Math.max(a[1], b[1])];
    }
  }

  toState(): DutyCycleState {
    return { intervals: this.intervals.map((x) => [x[0], x[1]]) };
  }

  private usedAt(t: number): number {
    const from = t - this.windowMs;
    let s = 0;
    for (const [a, b] of this.intervals) {
      const lo = Math.max(a, from);
      const hi = Math.min(b, t);
      if (hi > lo) s += hi - lo;
      // a key-up still running at t counts in full: it is committed
      if (b > t && a <= t) s += b - t;
    }
    return s;
  }
}
