/**
 * Time for the test channel. The channel computes every instant itself (key-up, end of each
 * frame, end of TXTAIL) and asks the scheduler to run a callback *at* that instant, so real-time
 * lag never accumulates into drift. `RealScheduler` runs on the wall clock (performance.now);
 * `VirtualScheduler` is for the channel's unit tests: time moves only when the test says so.
 */
export interface Scheduler {
  /** Milliseconds on this scheduler's clock. */
  now(): number;
  /** Run fn at time t (or at once if t has passed). Returns a cancel function. */
  at(t: number, fn: () => void): () => void;
}

export class RealScheduler implements Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  now(): number {
    return performance.now();
  }
  at(t: number, fn: () => void): () => void {
    const h = setTimeout(() => {
      this.timers.delete(h);
      fn();
    }, Math.max(0, t - this.now()));
    this.timers.add(h);
    return () => {
      clearTimeout(h);
      this.timers.delete(h);
    };
  }
  /** Cancel everything still pending (the channel is closing). */
  cancelAll(): void {
    for (const h of this.timers) clearTimeout(h);
    this.timers.clear();
  }
}

export class VirtualScheduler implements Scheduler {
  private t = 0;
  private seq = 0;
  private readonly pending: Array<{ t: number; seq: number; fn: () => void; live: boolean }> = [];

  now(): number {
    return this.t;
  }
  at(t: number, fn: () => void): () => void {
    const e = { t: Math.max(t, this.t), seq: this.seq++, fn, live: true };
    this.pending.push(e);
    return () => {
      e.live = false;
    };
  }
  /** Run every event due up to `until`, in time order (ties: in the order they were scheduled). */
  advanceTo(until: number): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.pending.length; i++) {
        const e = this.pending[i]!;
        if (e.t > until) continue;
        const b = best < 0 ? undefined : this.pending[best]!;
        if (!b || e.t < b.t || (e.t === b.t && e.seq < b.seq)) best = i;
      }
      if (best < 0) break;
      const [e] = this.pending.splice(best, 1);
      this.t = e!.t;
      if (e!.live) e!.fn();
    }
    this.t = Math.max(this.t, until);
  }
  /** Run until nothing is pending (bounded: throws past `maxEvents`, a runaway channel). */
  runAll(maxEvents = 10_000_000): void {
    let n = 0;
    while (this.pending.some((e) => e.live)) {
      const next = Math.min(...this.pending.filter((e) => e.live).map((e) => e.t));
      this.advanceTo(next);
      if (++n > maxEvents) throw new Error('VirtualScheduler: too many events');
    }
  }
}
