/**
 * Time is injected everywhere the protocol waits, so tests own the clock.
 *
 * - {@link systemClock} is wall time with real timers.
 * - {@link ManualClock} (./ManualClock.ts) is virtual time: timers fire only when the test or the
 *   simulator advances it, in deadline order, so an hour at 1200 bit/s simulates in milliseconds.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (virtual or real). */
  now(): number;
  /** Call `fn` once, `ms` milliseconds from now. */
  setTimer(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

/** Resolve after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}
