/**
 * `radiosync sim`: the simulated channel run in REAL time as a standalone virtual TNC hub.
 *
 * Each station gets
 * - a KISS-over-TCP server on 127.0.0.1 (as Dire Wolf's KISSPORT): every client is one KISS
 *   session of the station's TNC (frames it writes are transmitted, frames the station hears go to
 *   every client), and
 * - a pseudo-terminal path (as a serial TNC), a socat pty bridged to that TCP port, so the real
 *   serialport code path is exercised (PtyBridge.ts).
 *
 * The hub prints both per station, then airtime, frames and key-ups per station every
 * `reportIntervalMs` and at exit (human table, or one JSON object per line with `json`).
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../clock/Clock.js';
import { makeError } from '../errors/RadiosyncError.js';
import { SIM_ERRORS } from './errors.js';
import { parseLossSpec, type LossSpec } from './lossModels.js';
import { PtyBridge } from './PtyBridge.js';
import { RadioChannel, hiddenPairs, type Outage } from './RadioChannel.js';
import type { RadioParams, SimRadio } from './SimRadio.js';
import type { StationAirStats } from './StationAirStats.js';
import { formatHubReport, type SimHubReport } from './hubReport.js';

/** Default first KISS TCP port: 8001, Dire Wolf's default KISSPORT; station i gets basePort + i. */
export const DEFAULT_SIM_BASE_PORT = 8001;
/** Default bit rate of the hub's channel: 1200 bit/s (VHF AFSK, the common case). */
export const DEFAULT_SIM_BITRATE = 1200;
/** Default interval of the periodic report: 10 s. */
export const DEFAULT_SIM_REPORT_INTERVAL_MS = 10_000;
/** Bound on simultaneous KISS TCP clients per station: 8 (socat's pty bridge is one of them). */
export const MAX_SIM_HUB_CLIENTS = 8;
/**
 * Bound on bytes queued to one KISS TCP client that does not read: 1 MiB (over an hour of frames
 * at 1200 bit/s). A client past it is disconnected rather than let the hub's memory grow.
 */
export const MAX_SIM_HUB_CLIENT_BACKLOG = 1 << 20;
/** Station names on the hub become file names: letters, digits, '-', '_', '.', up to 32. */
const HUB_STATION_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,31}$/;

export interface SimHubOptions {
  /** Station names (default ['A', 'B']). */
  stations?: string[];
  bitrate?: number;
  /** A loss model, or its text form (`0.1`, `iid:0.1`, `ge:0.05,0.25`). */
  loss?: LossSpec | string;
  ber?: number;
  latencyMs?: number;
  /** Extra delivery delay per frame, uniform in [0, latencyJitterMs] ms (RadioChannelOptions). */
  latencyJitterMs?: number;
  /** Probability that a delivered frame arrives twice. */
  duplicate?: number;
  outages?: Outage[];
  seed?: number | string;
  /** Pairs of stations that cannot hear each other (hidden terminals). */
  hidden?: Array<[string, string]>;
  /** Radio parameters every station starts with (KISS commands change them later). */
  radio?: Partial<RadioParams>;
  /** First KISS TCP port; 0 lets the OS choose a free port for each station. Default 8001. */
  basePort?: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Directory for the pty links (`<ptyDir>/<station>`); false for no ptys. Default $TMPDIR/radiosync-sim. */
  ptyDir?: string | false;
  /** socat binary. Default 'socat'. */
  socatPath?: string;
  /** Periodic report interval, ms; 0 for none. Default 10 s. */
  reportIntervalMs?: number;
  /** Print JSON lines instead of text. */
  json?: boolean;
  /** Where output lines go. Default process.stdout. Pass `() => {}` to silence. */
  print?: (line: string) => void;
  /** Stop on SIGINT/SIGTERM. Default true. */
  handleSignals?: boolean;
  /** Clock (default systemClock: the hub runs in real time). */
  clock?: Clock;
}

export interface SimHubStation {
  name: string;
  host: string;
  port: number;
  /** The pty link path, when ptys are on. */
  ptyPath?: string;
}

interface StationRuntime {
  info: SimHubStation;
  radio: SimRadio;
  server: Server;
  sockets: Set<Socket>;
  pty?: PtyBridge;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    });
  });
}

export class SimHub {
  readonly channel: RadioChannel;
  /** Resolves with the final report once the hub has stopped (by stop() or a signal). */
  readonly done: Promise<SimHubReport>;
  private readonly runtimes: StationRuntime[] = [];
  private readonly print: (line: string) => void;
  private readonly json: boolean;
  private readonly startedAt: number;
  private reportTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<SimHubReport> | undefined;
  private resolveDone!: (r: SimHubReport) => void;
  private readonly signalHandler = () => void this.stop();
  private readonly handleSignals: boolean;

  private constructor(
    channel: RadioChannel,
    private readonly opts: SimHubOptions,
  ) {
    this.channel = channel;
    this.print = opts.print ?? ((line) => void process.stdout.write(line + '\n'));
    this.json = opts.json ?? false;
    this.handleSignals = opts.handleSignals ?? true;
    this.startedAt = channel.clock.now();
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** Create the channel, the TCP servers and the ptys. Cleans up after itself if any step fails. */
  static async start(opts: SimHubOptions = {}): Promise<SimHub> {
    const names = opts.stations ?? ['A', 'B'];
    if (names.length < 1) throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', '"stations" must name at least one station', {});
    for (const n of names) {
      if (!HUB_STATION_NAME.test(n)) {
        throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"stations" names must be letters, digits, '-', '_' or '.' (1-32): ${n}`, { name: n });
      }
    }
    for (const pair of opts.hidden ?? []) {
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((n) => names.includes(n))) {
        throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"hidden" pairs must name two stations of the hub: ${JSON.stringify(pair)}`, { pair });
      }
    }
    const basePort = opts.basePort ?? DEFAULT_SIM_BASE_PORT;
    if (!Number.isInteger(basePort) || basePort < 0 || basePort + names.length - 1 > 65535) {
      throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"basePort" must be 0 or a TCP port leaving room for ${names.length} stations: ${basePort}`, { basePort });
    }
    const loss = typeof opts.loss === 'string' ? parseLossSpec(opts.loss) : opts.loss;
    const channel = new RadioChannel({
      clock: opts.clock ?? systemClock,
      seed: opts.seed ?? 0,
      bitrate: opts.bitrate ?? DEFAULT_SIM_BITRATE,
      loss,
      ber: opts.ber,
      latencyMs: opts.latencyMs,
      latencyJitterMs: opts.latencyJitterMs,
      duplicate: opts.duplicate,
      outages: opts.outages,
      hears: opts.hidden === undefined || opts.hidden.length === 0 ? undefined : hiddenPairs(opts.hidden),
    });
    const hub = new SimHub(channel, opts);
    try {
      const host = opts.host ?? '127.0.0.1';
      const ptyDir = opts.ptyDir === false ? undefined : (opts.ptyDir ?? join(tmpdir(), 'radiosync-sim'));
      if (ptyDir !== undefined) await mkdir(ptyDir, { recursive: true });
      for (let i = 0; i < names.length; i++) {
        await hub.addStation(names[i]!, host, basePort === 0 ? 0 : basePort + i, ptyDir);
      }
    } catch (err) {
      await hub.stop();
      throw err;
    }
    // handlers go in before anything is printed: a supervisor may signal as soon as it reads "ready"
    if (hub.handleSignals) {
      process.once('SIGINT', hub.signalHandler);
      process.once('SIGTERM', hub.signalHandler);
    }
    const every = opts.reportIntervalMs ?? DEFAULT_SIM_REPORT_INTERVAL_MS;
    if (every > 0) {
      hub.reportTimer = setInterval(() => hub.printReport('stats'), every);
      hub.reportTimer.unref();
    }
    hub.announce();
    return hub;
  }

  /** The stations with their KISS TCP port and pty path. */
  get stations(): SimHubStation[] {
    return this.runtimes.map((r) => ({ ...r.info }));
  }

  /** Airtime, frames and key-ups per station so far. */
  report(): SimHubReport {
    const stats = this.channel.stats();
    return {
      elapsedMs: this.channel.clock.now() - this.startedAt,
      bitrate: this.channel.bitrate,
      stations: this.runtimes.map((r) => ({ ...r.info, clients: r.sockets.size, ...(stats[r.info.name] as StationAirStats) })),
      totals: this.channel.totals(),
      turnarounds: this.channel.turnarounds,
    };
  }

  /** Close every client, server and pty, print the final report, and resolve {@link SimHub.done}. Idempotent. */
  stop(): Promise<SimHubReport> {
    this.stopping ??= (async () => {
      if (this.reportTimer !== undefined) clearInterval(this.reportTimer);
      if (this.handleSignals) {
        process.off('SIGINT', this.signalHandler);
        process.off('SIGTERM', this.signalHandler);
      }
      const report = this.report();
      await Promise.all(this.runtimes.map((r) => r.pty?.stop()));
      for (const r of this.runtimes) {
        for (const s of r.sockets) s.destroy();
        await new Promise<void>((res) => r.server.close(() => res()));
      }
      this.channel.close();
      if (this.runtimes.length > 0) this.printReport('exit', report);
      this.resolveDone(report);
      return report;
    })();
    return this.stopping;
  }

  private async addStation(name: string, host: string, port: number, ptyDir: string | undefined): Promise<void> {
    const radio = this.channel.attach(name, this.opts.radio ?? {});
    const sockets = new Set<Socket>();
    let clientSeq = 0;
    const server = createServer({ noDelay: true }, (socket) => {
      if (sockets.size >= MAX_SIM_HUB_CLIENTS) {
        socket.destroy();
        return;
      }
      sockets.add(socket);
      const session = radio.openKiss(`kiss-tcp:${name}#${++clientSeq}`);
      session.onData((chunk) => {
        if (socket.writableLength > MAX_SIM_HUB_CLIENT_BACKLOG) socket.destroy();
        else socket.write(chunk);
      });
      socket.on('data', (chunk: Buffer) => void session.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)).catch(() => socket.destroy()));
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        void session.close();
      });
    });
    let bound: number;
    try {
      bound = await listen(server, port, host);
    } catch (err) {
      throw makeError(SIM_ERRORS, 'RS_ERR_SIM_PORT_IN_USE', `station ${name}: cannot listen on ${host}:${port}: ${(err as Error).message}`, { station: name, host, port }, err);
    }
    const rt: StationRuntime = { info: { name, host, port: bound }, radio, server, sockets };
    this.runtimes.push(rt);
    if (ptyDir !== undefined) {
      const pty = new PtyBridge(join(ptyDir, name), host, bound, this.opts.socatPath);
      rt.pty = pty;
      await pty.start();
      rt.info.ptyPath = pty.path;
    }
  }

  private announce(): void {
    const stations = this.stations;
    if (this.json) {
      this.print(JSON.stringify({ event: 'ready', bitrate: this.channel.bitrate, stations }));
      return;
    }
    this.print(`radiosync sim: ${stations.length} station(s) on a ${this.channel.bitrate} bit/s channel (real time; Ctrl-C to stop)`);
    for (const s of stations) {
      this.print(`  ${s.name.padEnd(10)} kiss-tcp ${s.host}:${s.port}${s.ptyPath ? `   pty ${s.ptyPath}` : ''}`);
    }
  }

  private printReport(event: 'stats' | 'exit', report = this.report()): void {
    if (this.json) this.print(JSON.stringify({ event, ...report }));
    else for (const line of formatHubReport(report, event === 'exit' ? 'final' : 'so far')) this.print(line);
  }
}

/**
 * Entry point for `radiosync sim`: start the hub, print the stations, and keep running until
 * SIGINT/SIGTERM (or `hub.stop()`). Await `hub.done` for the final report.
 */
export function runSimHub(options: SimHubOptions = {}): Promise<SimHub> {
  return SimHub.start(options);
}
