/**
 * Scheduled transmit windows: cron expressions (parsed by croner) that open a window lasting
 * `durationMin` minutes at each match, e.g. `{ cron: "0 *\/2 * * *", durationMin: 10 }` is ten
 * minutes every two hours on the hour. Times are in UTC unless a timezone is given.
 *
 * No windows at all means "always open". Overlapping or touching windows merge into one.
 * Pure: every method takes `now` (ms); croner is used only as a calendar, never to start timers.
 */
import { Cron } from 'croner';
import { makeError } from '../errors/RadiosyncError.js';
import { SCHEDULE_ERRORS } from './errors.js';

/** Longest window: 7 days. Anything longer is a configuration mistake (use no windows for "always"). */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;
/**
 * Most windows chained when merging overlapping ones: 1 000. Bounds the work for a pathological
 * schedule such as every minute for 5 minutes (which is simply always open and reported as such
 * up to this horizon).
 */
export const MAX_WINDOW_CHAIN = 1000;

export interface WindowSpec {
  /** Cron expression (5 or 6 fields, croner syntax). */
  cron: string;
  /** How long the window stays open after each match, minutes (> 0). */
  durationMin: number;
}

export interface OpenWindow {
  /** ms since the epoch */
  start: number;
  /** ms since the epoch (exclusive) */
  end: number;
}

export class TransmitWindows {
  readonly specs: readonly WindowSpec[];
  readonly timezone: string;
  private readonly crons: Array<{ cron: Cron; durMs: number }>;

  constructor(specs: readonly WindowSpec[], opts: { timezone?: string } = {}) {
    this.specs = specs;
    this.timezone = opts.timezone ?? 'UTC';
    this.crons = specs.map((s, i) => {
      if (!(s.durationMin > 0 && s.durationMin <= MAX_WINDOW_MINUTES)) {
        throw makeError(
          SCHEDULE_ERRORS,
          'RS_ERR_SCHEDULE_INVALID',
          `window ${i}: durationMin must be a number of minutes in (0, ${MAX_WINDOW_MINUTES}], got ${String(s.durationMin)}`,
          { key: `schedule.window[${i}].duration_min`, value: s.durationMin },
        );
      }
      let cron: Cron;
      try {
        cron = new Cron(s.cron, { paused: true, timezone: this.timezone });
        cron.nextRun(new Date(0));
      } catch (e) {
        throw makeError(
          SCHEDULE_ERRORS,
          'RS_ERR_SCHEDULE_INVALID',
          `window ${i}: bad cron expression "${s.cron}" or timezone "${this.timezone}": ${(e as Error).message}`,
          { key: `schedule.window[${i}].cron`, value: s.cron },
          e,
        );
      }
      return { cron, durMs: s.durationMin * 60_000 };
    });
  }

  /** True when no window is configured (transmitting is allowed at any time). */
  get alwaysOpen(): boolean {
    return this.crons.length === 0;
  }

  /** Whether a window is open at `now`. */
  isOpen(now: number): boolean {
    return this.current(now) !== undefined;
  }

  /** The (merged) window open at `now`, or undefined. Always-open schedules return [now, Infinity). */
  current(now: number): OpenWindow | undefined {
    if (this.alwaysOpen) return { start: now, end: Infinity };
    let found: OpenWindow | undefined;
    for (const { cron, durMs } of this.crons) {
      // the latest start ≤ now gives this cron's furthest end; the first start after now−duration its earliest open one
      const latest = prevMatch(cron, now);
      if (latest === undefined || latest + durMs <= now) continue;
      const first = nextMatch(cron, now - durMs) ?? latest;
      const w = { start: Math.min(first, latest), end: latest + durMs };
      if (!found) found = w;
      else found = { start: Math.min(found.start, w.start), end: Math.max(found.end, w.end) };
    }
    return found ? this.extend(found) : undefined;
  }

  /**
   * The window open at `now`, or else the next one to open (undefined when none ever will, e.g. a
   * cron for a date in the past).
   */
  nextWindow(now: number): OpenWindow | undefined {
    const cur = this.current(now);
    if (cur) return cur;
    let best: number | undefined;
    for (const { cron } of this.crons) {
      const s = nextMatch(cron, now);
      if (s !== undefined && (best === undefined || s < best)) best = s;
    }
    return best === undefined ? undefined : this.current(best);
  }

  /** Merge windows that overlap or touch the end of `w`. */
  private extend(w: OpenWindow): OpenWindow {
    let end = w.end;
    for (let i = 0; i < MAX_WINDOW_CHAIN; i++) {
      let grown = end;
      for (const { cron, durMs } of this.crons) {
        // a window starting at or before `end` (touching counts) and lasting past it extends the merge
        const last = prevMatch(cron, end);
        if (last !== undefined) grown = Math.max(grown, last + durMs);
      }
      if (grown === end) break;
      end = grown;
    }
    return { start: w.start, end };
  }
}

/** The latest cron match at or before `atMs`, in ms (croner's previousRuns excludes its reference). */
function prevMatch(cron: Cron, atMs: number): number | undefined {
  const d = cron.previousRuns(1, new Date(atMs + 1))[0];
  return d === undefined ? undefined : d.getTime();
}

/** The first cron match strictly after `afterMs`, in ms. */
function nextMatch(cron: Cron, afterMs: number): number | undefined {
  const d = cron.nextRun(new Date(afterMs));
  return d === null ? undefined : d.getTime();
}
