/**
 * `radiosync daemon`: a station that runs unattended.
 *
 * - Listens all the time (acks, applies, answers sync requests).
 * - Sends only inside the scheduled transmit windows (cron expressions, croner), within the
 *   per-peer and global budgets (bytes and airtime-seconds per hour and per day) and the duty-cycle
 *   cap, highest priority first; expired transfers are dropped and reported by the link.
 * - Beacons at the configured interval: a tiny UI frame that identifies the station.
 * - Every key-up is accounted to the planner from what actually went on air; the planner state
 *   is saved in the station log, so budgets survive a restart.
 * - `stop()` (SIGTERM) ends cleanly: the transfer queue is in SQLite, so a restarted daemon resumes
 *   where it stopped, without resending acknowledged blocks.
 *
 * Runs on any clock: the tests drive 24 simulated hours on virtual time.
 */
import type { Clock, Timer } from '../clock/Clock.js';
import type { BurstPlanner, PlannerState } from '../schedule/BurstPlanner.js';
import { plannerFromConfig, linkFromConfig } from '../schedule/fromConfig.js';
import { burstAirtimeMs } from '../schedule/airtime.js';
import type { TransferQueue } from '../link/TransferQueue.js';
import { decodeAx25 } from '../framing/ax25.js';
import { formatCallsign } from '../framing/callsign.js';
import type { Station } from '../station/Station.js';
import { peerList } from '../station/peerList.js';
import type { FramePort } from './FramePort.js';
import { StationRuntime } from './StationRuntime.js';
import { PLANNER_STATE_KEY } from './stationStatus.js';

/** How often the daemon re-plans when nothing wakes it earlier: 60 s. */
export const DAEMON_TICK_MS = 60_000;
/** Bytes of a beacon frame's info field (header + "Bradiosync/1 CALL"). */
const BEACON_INFO_BYTES = 24;

export interface DaemonOptions {
  station: Station;
  port: FramePort;
  clock?: Clock;
  queue?: TransferQueue;
  bitrate?: number;
  /** Default priority and lifetime of what the daemon queues. */
  priority?: number;
  ttlMs?: number | null;
  onEvent?: (e: DaemonEvent) => void;
}

export interface DaemonEvent {
  kind: 'queued' | 'acknowledged' | 'applied' | 'beacon' | 'blocked' | 'keyup' | 'failed' | 'stopped';
  peer?: string;
  detail?: string;
  bytes?: number;
  airtimeMs?: number;
  rows?: number;
}

export interface KeyUpRecord {
  at: number;
  to: string;
  frames: number;
  bytes: number;
  airtimeMs: number;
}

export class Daemon {
  readonly runtime: StationRuntime;
  readonly planner: BurstPlanner;
  readonly keyUps: KeyUpRecord[] = [];
  private readonly station: Station;
  private readonly clock: Clock;
  private readonly opts: DaemonOptions;
  private timer: Timer | undefined;
  private stopped = false;
  private pendingKeyUp: KeyUpRecord | undefined;

  constructor(opts: DaemonOptions) {
    this.opts = opts;
    this.station = opts.station;
    this.clock = opts.clock ?? opts.station.clock;
    this.planner = plannerFromConfig(this.station.config, this.station.log.getJson<PlannerState>(PLANNER_STATE_KEY));
    const inner = opts.port;
    const accounting: FramePort = {
      send: (ax25) => {
        this.account(ax25);
        inner.send(ax25);
      },
      onFrame: (l) => inner.onFrame(l),
      ...(inner.onIdle ? { onIdle: (l: () => void) => inner.onIdle!(l) } : {}),
    };
    this.runtime = new StationRuntime({
      station: this.station,
      port: accounting,
      clock: this.clock,
      bitrate: opts.bitrate ?? this.station.config.radio.bitrate,
      ...(opts.queue ? { queue: opts.queue } : {}),
      link: { mayTransmit: (to: string, now: number) => this.mayTransmit(to, now) },
    });
    this.runtime.on('acknowledged', (e) => opts.onEvent?.({ kind: 'acknowledged', peer: e.peer, rows: e.info.rows, bytes: e.info.bytes }));
    this.runtime.on('applied', (e) => opts.onEvent?.({ kind: 'applied', peer: e.from, rows: e.result.applied }));
    this.runtime.on('failed', (e) => opts.onEvent?.({ kind: 'failed', ...(e.to ? { peer: e.to } : {}), detail: e.error.code }));
  }

  /** Start the loop (returns at once). */
  start(): void {
    this.tick();
  }

  /** The link asks before each burst of data: inside a window, within budget and duty cycle? */
  private mayTransmit(to: string, now: number): number | { maxFrames: number } {
    this.flushKeyUp(); // a key-up's frames are all sent in one turn: account it before planning the next
    const frameBytes = this.station.config.radio.frame_bytes;
    const p = this.planner.plan(now, this.station.isTrusted(to) ? to : null, { wantBytes: frameBytes });
    if (p.ok) return { maxFrames: Math.max(1, Math.floor(p.maxBytes / frameBytes)) };
    this.opts.onEvent?.({ kind: 'blocked', peer: to, detail: p.reason });
    return Number.isFinite(p.retryAt) ? p.retryAt : now + DAEMON_TICK_MS;
  }

  /** Frames sent in the same instant are one key-up: account its airtime to the planner. */
  private account(ax25: Uint8Array): void {
    const now = this.clock.now();
    const r = decodeAx25(ax25);
    const to = r.ok ? formatCallsign(r.frame.destination) : '?';
    const info = r.ok ? r.frame.info.length : ax25.length;
    if (this.pendingKeyUp && this.pendingKeyUp.at === now) {
      this.pendingKeyUp.frames++;
      this.pendingKeyUp.bytes += info;
      return;
    }
    this.flushKeyUp();
    this.pendingKeyUp = { at: now, to, frames: 1, bytes: info, airtimeMs: 0 };
    this.clock.setTimer(0, () => this.flushKeyUp());
  }

  private flushKeyUp(): void {
    const k = this.pendingKeyUp;
    if (!k) return;
    this.pendingKeyUp = undefined;
    const link = linkFromConfig(this.station.config.radio);
    const avg = k.bytes / k.frames;
    k.airtimeMs = burstAirtimeMs(Array.from({ length: k.frames }, () => avg), link);
    const peer = this.station.isTrusted(k.to) ? k.to : null;
    this.planner.recordBurst(peer, k.bytes, k.airtimeMs, k.at);
    this.keyUps.push(k);
    if (this.keyUps.length > 10_000) this.keyUps.splice(0, this.keyUps.length - 10_000);
    this.station.log.setJson(PLANNER_STATE_KEY, this.planner.toState(k.at));
    this.opts.onEvent?.({ kind: 'keyup', peer: k.to, bytes: k.bytes, airtimeMs: k.airtimeMs });
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    this.flushKeyUp();
    // beacon
    const b = this.planner.planBeacon(now, BEACON_INFO_BYTES);
    if (b.ok) {
      this.runtime.beacon();
      this.planner.recordBeacon(BEACON_INFO_BYTES, burstAirtimeMs([BEACON_INFO_BYTES], linkFromConfig(this.station.config.radio)), now);
      this.opts.onEvent?.({ kind: 'beacon' });
    }
    // queue what each peer lacks, when a burst to it could start now
    for (const p of peerList(this.station)) {
      if (p.state === 'out of use' || p.pendingRows === 0) continue;
      if (!this.planner.plan(now, p.callsign).ok) continue;
      const info = this.runtime.sendPending([p.callsign], {
        priority: this.opts.priority ?? 0,
        expiresAt: this.opts.ttlMs === undefined || this.opts.ttlMs === null ? null : now + this.opts.ttlMs,
      });
      if (info) this.opts.onEvent?.({ kind: 'queued', peer: p.callsign, rows: info.rows, bytes: info.bytes });
    }
    this.station.log.setJson(PLANNER_STATE_KEY, this.planner.toState(now));
    const nextWindow = this.planner.windows.nextWindow(now)?.start ?? Infinity;
    const nextBeacon = this.planner.nextBeaconDueAt(now + 1);
    const next = Math.min(now + DAEMON_TICK_MS, nextWindow, nextBeacon);
    this.timer = this.clock.setTimer(Math.max(1000, next - now), () => this.tick());
  }

  /** Stop cleanly: cancel timers, save the planner, close the link (the queue stays in SQLite). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    this.flushKeyUp();
    this.station.log.setJson(PLANNER_STATE_KEY, this.planner.toState(this.clock.now()));
    this.runtime.close();
    this.opts.onEvent?.({ kind: 'stopped' });
  }
}

export interface DaemonHandle {
  daemon: Daemon;
  transportName: string;
  stop(): Promise<void>;
}

/** Open the transport from flags or config and start a daemon on real time. */
export async function startDaemon(
  station: Station,
  opts: { transport?: import('../transport/openTransport.js').TransportSpec | undefined; priority?: number; ttlMs?: number | null; onEvent?: (e: DaemonEvent) => void },
): Promise<DaemonHandle> {
  const { openAir, transportFromConfig } = await import('./openAir.js');
  const { openStationQueue } = await import('./stationQueue.js');
  const air = await openAir(opts.transport ?? transportFromConfig(station.config.radio), station.config.radio);
  const queue = openStationQueue(station);
  const daemon = new Daemon({
    station,
    port: air.port,
    queue,
    ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
    ...(opts.ttlMs !== undefined ? { ttlMs: opts.ttlMs } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  });
  daemon.start();
  return {
    daemon,
    transportName: air.name,
    stop: async () => {
      daemon.stop();
      queue.close();
      await air.close();
    },
  };
}
