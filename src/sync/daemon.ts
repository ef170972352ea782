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
import { DroppedInput } from './droppedInput.js';
import { captureRecords } from './captureRecords.js';
import { makeError } from '../errors/RadiosyncError.js';
import { CONFIG_ERRORS } from '../config/errors.js';
import type { Clock, Timer } from '../clock/Clock.js';
import type { BurstPlanner } from '../schedule/BurstPlanner.js';
import { linkFromConfig } from '../schedule/fromConfig.js';
import { burstAirtimeMs } from '../radio/airtime.js';
import type { TransferQueue } from '../link/TransferQueue.js';
import type { Station } from '../station/Station.js';
import { peerList } from '../station/peerList.js';
import type { FramePort } from './FramePort.js';
import { StationRuntime } from './StationRuntime.js';
import { AirtimeGovernor, type KeyUpRecord } from './AirtimeGovernor.js';
import { FolderSync } from './FolderSync.js';
import { FolderWatcher } from '../files/FolderWatcher.js';
import { recordPeerPath } from './peerPath.js';
import { Fallback, type FallbackEvent } from './fallback.js';

export type { KeyUpRecord } from './AirtimeGovernor.js';

/** How often the daemon re-plans when nothing wakes it earlier: 60 s. */
export const DAEMON_TICK_MS = 60_000;
/** How often the daemon looks at its off-air paths (online retries are paced by `online.retry_s`): 5 s. */
export const FALLBACK_TICK_MS = 5_000;
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
  /** Folder sync: each tick scans the folders before queueing. */
  folders?: FolderSync;
  /** Peers the radio leaves alone for now (online first: Fallback.holdsRadio). */
  holdRadio?: (peer: string) => boolean;
  onEvent?: (e: DaemonEvent) => void;
}

export interface DaemonEvent {
  kind: 'queued' | 'cancelled' | 'acknowledged' | 'applied' | 'beacon' | 'blocked' | 'failed' | 'stopped' | FallbackEvent['kind'];
  peer?: string;
  detail?: string;
  bytes?: number;
  airtimeMs?: number;
  rows?: number;
}

export class Daemon {
  readonly runtime: StationRuntime;
  readonly governor: AirtimeGovernor;
  private readonly station: Station;
  private readonly clock: Clock;
  private readonly opts: DaemonOptions;
  private timer: Timer | undefined;
  private stopped = false;
  private readonly dropped: DroppedInput;

  constructor(opts: DaemonOptions) {
    this.opts = opts;
    this.station = opts.station;
    this.clock = opts.clock ?? opts.station.clock;
    this.governor = new AirtimeGovernor(this.station, this.clock, {
      onBlocked: (to, p) => opts.onEvent?.({ kind: 'blocked', peer: to, detail: p.ok ? '' : p.reason }),
    });
    this.runtime = new StationRuntime({
      station: this.station,
      port: this.governor.port(opts.port),
      clock: this.clock,
      bitrate: opts.bitrate ?? this.station.config.radio.bitrate,
      ...(opts.queue ? { queue: opts.queue } : {}),
      ...(opts.folders ? { folders: opts.folders } : {}),
      link: { mayTransmit: (to: string, now: number) => this.governor.mayTransmit(to, now) },
    });
    this.dropped = new DroppedInput(this.runtime);
    this.runtime.on('acknowledged', (e) => {
      recordPeerPath(this.station, e.peer, { path: 'radio', ok: true });
      opts.onEvent?.({ kind: 'acknowledged', peer: e.peer, rows: e.info.rows, bytes: e.info.bytes });
    });
    this.runtime.on('applied', (e) => {
      recordPeerPath(this.station, e.from, { path: 'radio', ok: true });
      opts.onEvent?.({ kind: 'applied', peer: e.from, rows: e.result.applied });
    });
    this.runtime.on('failed', (e) => opts.onEvent?.({ kind: 'failed', ...(e.to ? { peer: e.to } : {}), detail: e.error.code }));
  }

  get planner(): BurstPlanner {
    return this.governor.planner;
  }

  /** Key-ups this daemon made, with the airtime accounted for each. */
  get keyUps(): KeyUpRecord[] {
    return this.governor.keyUps;
  }

  /** Start the loop (returns at once). */
  start(): void {
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    this.governor.flush();
    // beacon
    const b = this.planner.planBeacon(now, BEACON_INFO_BYTES);
    if (b.ok) {
      this.runtime.beacon();
      this.planner.recordBeacon(BEACON_INFO_BYTES, burstAirtimeMs([BEACON_INFO_BYTES], linkFromConfig(this.station.config.radio)), now);
      this.opts.onEvent?.({ kind: 'beacon' });
    }
    // scan the folders, then queue what each peer lacks, when a burst to it could start now
    this.runtime.captureFolders().then(
      () => this.queuePending(),
      (e: unknown) => {
        this.opts.onEvent?.({ kind: 'failed', detail: e instanceof Error ? e.message : String(e) });
        this.queuePending();
      },
    );
    this.governor.save(now);
    this.dropped.flush();
    const nextWindow = this.planner.windows.nextWindow(now)?.start ?? Infinity;
    const nextBeacon = this.planner.nextBeaconDueAt(now + 1);
    const next = Math.min(now + DAEMON_TICK_MS, nextWindow, nextBeacon);
    this.timer = this.clock.setTimer(Math.max(1000, next - now), () => this.tick());
  }

  /** Queue, for each peer with pending changes, one changeset if a burst to it could start now. */
  queuePending(): void {
    if (this.stopped) return;
    // the application's writes since the last look: without this, a station with no synced folder
    // (whose folder scan takes them in on the way) never saw edits made while the daemon ran
    if (!captureRecords(this.station, (code) => this.opts.onEvent?.({ kind: 'capture-failed', detail: code }))) return;
    const now = this.clock.now();
    for (const p of peerList(this.station)) {
      if (p.state === 'out of use' || p.pendingRows === 0) continue;
      if (this.opts.holdRadio?.(p.callsign) === true) continue;
      if (!this.planner.plan(now, p.callsign).ok) continue;
      const info = this.runtime.sendPending([p.callsign], {
        priority: this.opts.priority ?? 0,
        expiresAt: this.opts.ttlMs === undefined || this.opts.ttlMs === null ? null : now + this.opts.ttlMs,
      });
      if (info) this.opts.onEvent?.({ kind: 'queued', peer: p.callsign, rows: info.rows, bytes: info.bytes });
    }
  }

  /**
   * `peer` holds everything this station holds (an online session ended in sync): drop what the
   * radio queued for it, so no airtime goes on data already there.
   */
  dropQueuedFor(peer: string): void {
    if (this.stopped) return;
    for (const info of this.runtime.cancelQueuedFor(peer)) {
      this.opts.onEvent?.({ kind: 'cancelled', peer: info.to[0]!, rows: info.rows, bytes: info.bytes, detail: 'delivered online' });
    }
  }

  /** Stop cleanly: cancel timers, save the planner, close the link (the queue stays in SQLite). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    this.governor.flush();
    this.governor.save();
    this.dropped.flush();
    this.runtime.close();
    this.opts.onEvent?.({ kind: 'stopped' });
  }
}

export interface DaemonHandle {
  /** The radio daemon; undefined when started with `radio: false`. */
  daemon: Daemon | undefined;
  transportName: string;
  stop(): Promise<void>;
}

/** A daemon without a radio has something to do (docs/config.md `[online]`): at least one off-air path. */
function hasOffAirPath(station: Station): boolean {
  const o = station.config.online;
  return o.listen !== '' || Object.keys(o.peers).length > 0 || o.mdns || (o.outbox !== '' && o.bundle_after_s > 0) || o.inbox !== '';
}

/**
 * Open the transport from flags or config and start a daemon on real time. With `radio: false`
 * there is no TNC: the daemon runs only its off-air paths (online and LAN sync, the bundle outbox
 * and inbox, `[online]`), for a station with no radio such as HQ or a relay machine.
 */
export async function startDaemon(
  station: Station,
  opts: { transport?: import('../transport/openTransport.js').TransportSpec | undefined; radio?: boolean; priority?: number; ttlMs?: number | null; onEvent?: (e: DaemonEvent) => void },
): Promise<DaemonHandle> {
  const radio = opts.radio !== false;
  if (!radio && !hasOffAirPath(station)) {
    throw makeError(CONFIG_ERRORS, 'RS_ERR_CONFIG_INVALID', 'a daemon without a radio has nothing to do: set online.listen, online.peers, online.mdns, online.outbox (with online.bundle_after_s) or online.inbox', { key: 'online' });
  }
  const { openAir, transportFromConfig } = await import('./openAir.js');
  const { openStationQueue } = await import('./stationQueue.js');
  const air = radio ? await openAir(opts.transport ?? transportFromConfig(station.config.radio), station.config.radio, station.config.limits) : undefined;
  const queue = radio ? openStationQueue(station) : undefined;
  const folders = FolderSync.open(station);
  await folders.set?.cleanup();
  await folders.retryPending();
  let fallbackTimer: ReturnType<typeof setTimeout> | undefined;
  let stopping = false;
  let lastScan = -Infinity;
  // the round under way: stop() waits for it before closing what it uses (an online session ends
  // within its own timeouts), and nothing is reported once stopping began
  let inflight: Promise<void> = Promise.resolve();
  const report = (e: DaemonEvent): void => {
    if (!stopping) opts.onEvent?.(e);
  };
  // off the air ([online]): online sync, the bundle outbox and inbox, on their own timer. Online
  // first: the radio leaves a peer to it while online holds it, and takes over the moment it fails.
  const fallback = new Fallback({
    station,
    folders,
    ...(opts.onEvent ? { onEvent: (e: FallbackEvent) => report(e) } : {}),
    onOnlineLost: () => {
      if (!stopping) daemon?.queuePending();
    },
    onOnlineSynced: (peer) => {
      if (!stopping) daemon?.dropQueuedFor(peer);
    },
  });
  const daemon = air && queue
    ? new Daemon({
      station,
      port: air.port,
      queue,
      folders,
      holdRadio: (peer) => fallback.holdsRadio(peer),
      ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
      ...(opts.ttlMs !== undefined ? { ttlMs: opts.ttlMs } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    })
    : undefined;
  await fallback.start();
  daemon?.start();
  const round = (): void => {
    // without a radio daemon nothing else scans the folders: once a tick (the watchers catch saves sooner)
    const scan = daemon === undefined && folders.enabled && station.clock.now() - lastScan >= DAEMON_TICK_MS
      ? (lastScan = station.clock.now(), folders.capture().then(() => undefined))
      : Promise.resolve();
    inflight = scan.then(() => fallback.tick()).then(
      () => undefined,
      (e: unknown) => report({ kind: 'failed', detail: e instanceof Error ? e.message : String(e) }),
    ).finally(() => {
      // every FALLBACK_TICK_MS, or every retry_s when that is shorter (attempts are not later than asked)
      if (!stopping) fallbackTimer = setTimeout(round, Math.min(FALLBACK_TICK_MS, station.config.online.retry_s * 1000));
    });
  };
  round();
  // a watcher per folder: a saved file is captured and queued within seconds, not at the next tick
  const watchers = (folders.set?.shares() ?? []).map((share) => {
    const w = new FolderWatcher({
      folder: folders.set!.folder(share),
      clock: station.clock,
      onChange: async () => {
        if (daemon === undefined) {
          await folders.capture();
          return;
        }
        await daemon.runtime.captureFolders();
        daemon.queuePending();
      },
      onError: (e) => report({ kind: 'failed', detail: e instanceof Error ? e.message : String(e) }),
    });
    w.start();
    return w;
  });
  return {
    daemon,
    transportName: air?.name ?? 'no radio',
    stop: async () => {
      stopping = true;
      if (fallbackTimer) clearTimeout(fallbackTimer);
      await inflight;
      await fallback.close();
      for (const w of watchers) await w.close();
      daemon?.stop();
      folders.close();
      queue?.close();
      await air?.close();
      if (daemon === undefined) opts.onEvent?.({ kind: 'stopped' }); // the radio daemon says it itself
    },
  };
}
