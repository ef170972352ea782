/**
 * Build the schedule objects from a validated station config (the [radio], [schedule] and
 * [budget] sections). Pure: the daemon passes persisted state back in.
 */
import type { StationConfig, BudgetScopeConfig } from '../config/schema.js';
import type { LinkParams } from '../radio/airtime.js';
import { Budget, type BudgetConfig, type BudgetLimits } from './Budget.js';
import { BurstPlanner, type PlannerState } from './BurstPlanner.js';
import { DutyCycle } from './DutyCycle.js';
import { TransmitWindows } from './TransmitWindows.js';

/** Link parameters for the airtime arithmetic from [radio]. */
export function linkFromConfig(radio: StationConfig['radio']): LinkParams {
  return {
    bitrate: radio.bitrate,
    txDelayMs: radio.txdelay_ms,
    txTailMs: radio.txtail_ms,
    persistence: radio.persistence,
    slotMs: radio.slot_ms,
    digipeaters: radio.digipeaters.length,
  };
}

function limits(s: BudgetScopeConfig): BudgetLimits {
  return {
    bytesPerHour: s.bytes_per_hour,
    bytesPerDay: s.bytes_per_day,
    airtimeSecPerHour: s.airtime_s_per_hour,
    airtimeSecPerDay: s.airtime_s_per_day,
  };
}

/** Budget limits from [budget]. */
export function budgetConfigFromConfig(b: StationConfig['budget']): BudgetConfig {
  const peers: Record<string, BudgetLimits> = {};
  for (const [call, s] of Object.entries(b.peers)) peers[call] = limits(s);
  return { global: limits(b.global), perPeer: limits(b.peer), peers };
}

/** Transmit windows from [schedule]. Throws RS_ERR_SCHEDULE_INVALID on a bad cron (config validation catches it first). */
export function windowsFromConfig(s: StationConfig['schedule']): TransmitWindows {
  return new TransmitWindows(
    s.window.map((w) => ({ cron: w.cron, durationMin: w.duration_min })),
    { timezone: s.timezone },
  );
}

/** The daemon's planner for this station, restoring persisted state if given. */
export function plannerFromConfig(cfg: StationConfig, state?: PlannerState): BurstPlanner {
  const budgetCfg = budgetConfigFromConfig(cfg.budget);
  const dutyOpts = { capFraction: cfg.schedule.duty_cycle_pct / 100, windowMs: cfg.schedule.duty_cycle_window_s * 1000 };
  return new BurstPlanner(
    {
      link: linkFromConfig(cfg.radio),
      frameBytes: cfg.radio.frame_bytes,
      windows: windowsFromConfig(cfg.schedule),
      budget: state ? Budget.fromState(budgetCfg, state.budget) : new Budget(budgetCfg),
      dutyCycle: new DutyCycle(dutyOpts, state?.duty),
      maxBurstMs: cfg.schedule.max_burst_s * 1000,
      beaconIntervalMs: cfg.schedule.beacon_interval_s * 1000,
      beaconOutsideWindows: cfg.schedule.beacon_outside_windows,
    },
    state,
  );
}
