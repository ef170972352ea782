/**
 * Sync requests (HELLO 'S') are never sent only once: a lost request, or a lost answer, must not
 * end a session. Each request is repeated with exponential back-off until the peer answers
 * (HELLO 'N', or a changeset from it arrives) or the caller's deadline passes.
 *
 *   attempt 1 at once; attempt n+1 after min(maxMs, baseMs · factor^(n−1)) ms
 *
 * Defaults: 10 s, ×2, at most 160 s (a 2-minute window gets 4 attempts). The schedule is
 * deterministic; time comes from the injected clock.
 */
import type { Clock, Timer } from '../clock/Clock.js';

export interface SyncRequestOptions {
  baseMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_SYNC_REQUEST: SyncRequestOptions = { baseMs: 10_000, factor: 2, maxMs: 160_000 };

interface Pending {
  timer: Timer;
  attempts: number;
  until: number;
}

export class SyncRequester {
  private readonly opts: SyncRequestOptions;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly clock: Clock,
    private readonly send: (peer: string) => void,
    opts: Partial<SyncRequestOptions> = {},
  ) {
    this.opts = { ...DEFAULT_SYNC_REQUEST, ...opts };
  }

  /** Send now, and again with back-off until {@link answered} or `until` (a clock time). */
  request(peer: string, until: number): void {
    this.cancel(peer);
    const p: Pending = { timer: { cancel: () => undefined }, attempts: 0, until };
    this.pending.set(peer, p);
    this.fire(peer, p);
  }

  /** Attempts made for a request still waiting (0 when none is outstanding). */
  attempts(peer: string): number {
    return this.pending.get(peer)?.attempts ?? 0;
  }

  private fire(peer: string, p: Pending): void {
    p.attempts++;
    this.send(peer);
    const delay = Math.min(this.opts.maxMs, this.opts.baseMs * this.opts.factor ** (p.attempts - 1));
    if (this.clock.now() + delay > p.until) return; // the next attempt would be past the deadline
    p.timer = this.clock.setTimer(delay, () => {
      if (this.pending.get(peer) === p) this.fire(peer, p);
    });
  }

  /** The peer answered: stop repeating. True when a request was outstanding. */
  answered(peer: string): boolean {
    return this.cancel(peer);
  }

  private cancel(peer: string): boolean {
    const p = this.pending.get(peer);
    if (!p) return false;
    p.timer.cancel();
    this.pending.delete(peer);
    return true;
  }

  close(): void {
    for (const peer of [...this.pending.keys()]) this.cancel(peer);
  }
}
