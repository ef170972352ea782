/**
 * What `radiosync status` and `send` tell an operator about the schedule: the next window, the budget
 * left, the duty cycle, and — when a burst is refused — a typed error that names the fix.
 * Plain JSON (Infinity becomes null), times as ms since the epoch and ISO strings.
 */
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import type { BurstPlan, BurstPlanner } from './BurstPlanner.js';
import type { BudgetRemaining } from './Budget.js';
import { SCHEDULE_ERRORS } from './errors.js';

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);
const iso = (n: number): string | null => (Number.isFinite(n) ? new Date(n).toISOString() : null);

export interface RemainingJson {
  bytesHour: number | null;
  bytesDay: number | null;
  airtimeSecHour: number | null;
  airtimeSecDay: number | null;
}

export interface ScheduleStatus {
  now: string;
  /** The window open now or the next one; null start/end = none configured / never. */
  window: { open: boolean; start: string | null; end: string | null; alwaysOpen: boolean };
  dutyCycle: { capPct: number; windowSec: number; usedSec: number; availableSec: number | null };
  budget: { global: RemainingJson; peers: Record<string, RemainingJson> };
  /** Earliest time a burst may start, per peer asked about (null: never). */
  nextBurst: Record<string, string | null>;
  nextBeacon: string | null;
}

function remainingJson(r: BudgetRemaining): RemainingJson {
  return {
    bytesHour: finite(r.bytesHour),
    bytesDay: finite(r.bytesDay),
    airtimeSecHour: finite(r.airtimeMsHour / 1000),
    airtimeSecDay: finite(r.airtimeMsDay / 1000),
  };
}

/** A JSON-ready snapshot of the schedule at `now` for the given peers. */
export function scheduleStatus(planner: BurstPlanner, now: number, peers: readonly string[] = []): ScheduleStatus {
  const w = planner.windows.nextWindow(now);
  const peerBudgets: Record<string, RemainingJson> = {};
  const nextBurst: Record<string, string | null> = {};
  for (const p of peers) {
    peerBudgets[p] = remainingJson(planner.budget.remaining(now, p));
    nextBurst[p] = iso(planner.nextBurstAt(now, p));
  }
  return {
    now: new Date(now).toISOString(),
    window: {
      open: planner.windows.isOpen(now),
      start: w ? iso(w.start) : null,
      end: w ? iso(w.end) : null,
      alwaysOpen: planner.windows.alwaysOpen,
    },
    dutyCycle: {
      capPct: planner.dutyCycle.capFraction * 100,
      windowSec: planner.dutyCycle.windowMs / 1000,
      usedSec: planner.dutyCycle.usedMs(now) / 1000,
      availableSec: finite(planner.dutyCycle.availableMs(now) / 1000),
    },
    budget: { global: remainingJson(planner.budget.remaining(now)), peers: peerBudgets },
    nextBurst,
    nextBeacon: iso(planner.nextBeaconDueAt(now)),
  };
}

/**
 * The typed error for a refused burst (for `send`, which cannot wait): RS_ERR_OUTSIDE_WINDOW,
 * RS_ERR_DUTY_CYCLE or RS_ERR_BUDGET_EXHAUSTED (all exit TEMPFAIL), with the time to retry and the fix.
 * Returns undefined for a plan that was granted.
 */
export function planError(plan: BurstPlan, peer: string | null = null): RadiosyncError | undefined {
  if (plan.ok) return undefined;
  const when = iso(plan.retryAt);
  const at = when ? `; next chance ${when}` : '; it will never fit as configured';
  switch (plan.reason) {
    case 'window':
    case 'beacon-not-due':
      return makeError(
        SCHEDULE_ERRORS,
        'RS_ERR_OUTSIDE_WINDOW',
        `no transmit window is open${at}. Wait, or change [[schedule.window]] in radiosync.toml`,
        { nextStart: finite(plan.retryAt), retryAt: finite(plan.retryAt), peer },
      );
    case 'duty-cycle':
      return makeError(
        SCHEDULE_ERRORS,
        'RS_ERR_DUTY_CYCLE',
        `the duty-cycle cap is reached${at}. Wait, or raise schedule.duty_cycle_pct`,
        { retryAt: finite(plan.retryAt), peer },
      );
    case 'budget': {
      const d = plan.denial;
      const what = d
        ? `the ${d.scope === 'peer' ? `budget for ${d.peer ?? peer}` : 'global budget'} (${d.metric === 'bytes' ? 'bytes' : 'airtime'} per ${d.window})`
        : 'a budget';
      const key = d ? `budget.${d.scope === 'peer' ? 'peer' : 'global'}.${d.metric === 'bytes' ? 'bytes' : 'airtime_s'}_per_${d.window}` : 'budget';
      return makeError(SCHEDULE_ERRORS, 'RS_ERR_BUDGET_EXHAUSTED', `${what} is spent${at}. Wait, or raise ${key}`, {
        retryAt: finite(plan.retryAt),
        peer,
        key,
        ...(d ? { scope: d.scope, metric: d.metric, window: d.window, limit: d.limit, used: d.used } : {}),
      });
    }
  }
}
