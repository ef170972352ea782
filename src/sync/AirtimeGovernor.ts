/**
 * The airtime governor: the station's transmit windows, budgets and duty cycle (src/schedule's
 * burst planner) applied to what the link actually sends. Used by `send`, `sync` and the daemon.
 *
 * - `port(inner)` wraps a FramePort: every key-up (the frames sent in one instant) is accounted to
 *   the planner from its real size, before the next burst is planned, and the planner state is
 *   saved in the station log (budgets survive restarts).
 * - `mayTransmit(to, now)` is the link's gate: a frame allowance within the budget, or the time
 *   to ask again (outside a window, duty cycle spent, budget spent).
 */
import type { Clock } from '../clock/Clock.js';
import type { BurstPlanner, BurstPlan, PlannerState } from '../schedule/BurstPlanner.js';
import { plannerFromConfig, linkFromConfig } from '../schedule/fromConfig.js';
import { burstAirtimeMs, frameAirtimeMs } from '../radio/airtime.js';
import { decodeAx25 } from '../framing/ax25.js';
import { formatCallsign } from '../framing/callsign.js';
import type { Station } from '../station/Station.js';
import type { FrameMeta, FramePort } from './FramePort.js';
import { PLANNER_STATE_KEY } from './stationStatus.js';

/** When nothing else says when to ask again: 60 s. */
export const GOVERNOR_RETRY_MS = 60_000;
/** Key-ups remembered for inspection (tests, status): 10 000. */
export const MAX_KEYUP_RECORDS = 10_000;

export interface KeyUpRecord {
  at: number;
  to: string;
  frames: number;
  bytes: number;
  airtimeMs: number;
}

export class AirtimeGovernor {
  readonly planner: BurstPlanner;
  readonly keyUps: KeyUpRecord[] = [];
  private pending: KeyUpRecord | undefined;
  private readonly station: Station;
  private readonly clock: Clock;
  private readonly onBlocked: ((to: string, plan: BurstPlan) => void) | undefined;

  constructor(station: Station, clock: Clock, opts: { onBlocked?: (to: string, plan: BurstPlan) => void } = {}) {
    this.station = station;
    this.clock = clock;
    this.planner = plannerFromConfig(station.config, station.log.getJson<PlannerState>(PLANNER_STATE_KEY));
    this.onBlocked = opts.onBlocked;
  }

  /** The budget scope of a destination: a trusted peer, or the global scope only (groups, beacons). */
  scopeOf(to: string): string | null {
    return this.station.isTrusted(to) ? to : null;
  }

  /** Could a burst to `to` start now? (For commands that cannot wait: `send`, `sync`.) */
  planNow(to: string): BurstPlan {
    this.flush();
    return this.planner.plan(this.clock.now(), this.scopeOf(to), { wantBytes: this.station.config.radio.frame_bytes });
  }

  mayTransmit(to: string, now: number): number | { maxFrames: number } {
    this.flush(); // a key-up's frames are all sent in one turn: account it before planning the next
    const frameBytes = this.station.config.radio.frame_bytes;
    const p = this.planner.plan(now, this.scopeOf(to), { wantBytes: frameBytes });
    if (p.ok) return { maxFrames: Math.max(1, Math.floor(p.maxBytes / frameBytes)) };
    this.onBlocked?.(to, p);
    return Number.isFinite(p.retryAt) ? p.retryAt : now + GOVERNOR_RETRY_MS;
  }

  port(inner: FramePort): FramePort {
    return {
      send: (ax25, meta) => {
        this.account(ax25, meta);
        inner.send(ax25, meta);
      },
      onFrame: (l) => inner.onFrame(l),
      ...(inner.onIdle ? { onIdle: (l: () => void) => inner.onIdle!(l) } : {}),
    };
  }

  private account(ax25: Uint8Array, meta: FrameMeta | undefined): void {
    const now = this.clock.now();
    // the runtime says what it just encoded; only a frame from elsewhere is parsed
    const r = meta ? undefined : decodeAx25(ax25);
    const to = meta?.to ?? (r?.ok ? formatCallsign(r.frame.destination) : '?');
    const info = meta?.infoBytes ?? (r?.ok ? r.frame.info.length : ax25.length);
    const last = this.keyUps[this.keyUps.length - 1];
    if (meta?.continued && last && !(this.pending && this.pending.at === now)) {
      // a later part of a key-up fed to the TNC as it drains: its frames' airtime, no TXDELAY again
      const air = frameAirtimeMs(info, linkFromConfig(this.station.config.radio));
      last.frames++;
      last.bytes += info;
      last.airtimeMs += air;
      this.planner.recordBurst(this.scopeOf(last.to), info, air, now);
      this.save(now);
      return;
    }
    if (this.pending && this.pending.at === now) {
      this.pending.frames++;
      this.pending.bytes += info;
      return;
    }
    this.flush();
    this.pending = { at: now, to, frames: 1, bytes: info, airtimeMs: 0 };
    this.clock.setTimer(0, () => this.flush());
  }

  /** Account the key-up in progress (if any) and save the planner state. */
  flush(): KeyUpRecord | undefined {
    const k = this.pending;
    if (!k) return undefined;
    this.pending = undefined;
    const avg = k.bytes / k.frames;
    k.airtimeMs = burstAirtimeMs(Array.from({ length: k.frames }, () => avg), linkFromConfig(this.station.config.radio));
    this.planner.recordBurst(this.scopeOf(k.to), k.bytes, k.airtimeMs, k.at);
    this.keyUps.push(k);
    if (this.keyUps.length > MAX_KEYUP_RECORDS) this.keyUps.splice(0, this.keyUps.length - MAX_KEYUP_RECORDS);
    this.save(k.at);
    return k;
  }

  save(now: number = this.clock.now()): void {
    this.station.log.setJson(PLANNER_STATE_KEY, this.planner.toState(now));
  }
}
