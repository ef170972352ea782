import type { Clock, Timer } from './Clock.js';

interface Pending {
  at: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Virtual time. Nothing happens until {@link ManualClock.advance} or {@link ManualClock.run}
 * moves the clock; timers then fire in deadline order (ties in the order they were set).
 *
 * `run*` methods are async and yield to the microtask queue between timers, so code that awaits
 * promises between timer callbacks (an async engine over this clock) makes progress in virtual
 * time exactly as it would in real time.
 */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private queue: Pending[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const p: Pending = { at: this.t + Math.max(0, ms), order: this.seq++, fn, cancelled: false };
    // keep the queue sorted by (at, order); insertion from the back is cheap for the common case
    let i = this.queue.length;
    while (i > 0) {
      const q = this.queue[i - 1]!;
      if (q.at < p.at || (q.at === p.at && q.order < p.order)) break;
      i--;
    }
    this.queue.splice(i, 0, p);
    return { cancel: () => void (p.cancelled = true) };
  }

  /** Number of timers still waiting. */
  get pending(): number {
    return this.queue.filter((p) => !p.cancelled).length;
  }

  /** Deadline of the next live timer, or undefined. */
  nextAt(): number | undefined {
    for (const p of this.queue) if (!p.cancelled) return p.at;
    return undefined;
  }

  /** Fire the next timer synchronously (moving time to it). Returns false when none is left. */
  step(): boolean {
    while (this.queue.length > 0) {
      const p = this.queue.shift()!;
      if (p.cancelled) continue;
      if (p.at > this.t) this.t = p.at;
      p.fn();
      return true;
    }
    return false;
  }

  /** Move time forward by `ms`, firing every timer due on the way (synchronously). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const at = this.nextAt();
      if (at === undefined || at > end) break;
      this.step();
    }
    this.t = end;
  }

  /**
   * Run timers (yielding to microtasks between them) until `done()` is true, the queue is empty,
   * or virtual time passes `limitMs` from now. Returns the virtual milliseconds that elapsed.
   */
  async run(done: () => boolean = () => false, limitMs = Number.POSITIVE_INFINITY): Promise<number> {
    const start = this.t;
    const end = start + limitMs;
    await flush();
    while (!done()) {
      const at = this.nextAt();
      if (at === undefined) break;
      if (at > end) {
        this.t = end;
        break;
      }
      this.step();
      await flush();
    }
    return this.t - start;
  }
}

async function flush(): Promise<void> {
  // a few turns so chains of awaited promises settle before the next timer
  for (let i = 0; i < 4; i++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
}
