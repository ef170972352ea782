/**
 * A test rig for attacks on the air: real trusted stations (temp dir, SQLite) running
 * StationRuntime over the RadioChannel simulator on virtual time, a listen-only TAP radio that
 * records every frame on the air, and attacker radios that put any AX.25 frame on the channel.
 */
import { join } from 'node:path';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import type { SimRadio } from '../../src/sim/SimRadio.js';
import type { LossSpec } from '../../src/sim/lossModels.js';
import { StationRuntime, type RuntimeOptions } from '../../src/sync/StationRuntime.js';
import { simRadioPort, type FramePort } from '../../src/sync/FramePort.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { initStation, Station } from '../../src/station/Station.js';
import { createEmptySampleDb, SAMPLE_SYNC_TABLES, SAMPLE_TABLE_CONFIG } from '../../src/station/sampleData.js';
import { decodeAx25, encodeUiFrame } from '../../src/framing/ax25.js';
import { formatCallsign, parseCallsign } from '../../src/framing/callsign.js';
import { makeStations, tempDir } from '../sync/stations.js';

export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
/** AX.25 PID "no layer 3", as radiosync frames carry. */
export const PID_NO_L3 = 0xf0;

export interface HeardFrame {
  at: number;
  bytes: Uint8Array;
  from: string;
  to: string;
  info: Uint8Array;
}

/** Everything a station's data state is: what junk, replays and forgeries must leave unchanged. */
export interface StationState {
  tables: ReturnType<typeof tableFingerprints>;
  vv: Record<string, number>;
  cursors: Record<string, Record<string, number>>;
}

export function stationState(st: Station): StationState {
  const cursors: Record<string, Record<string, number>> = {};
  for (const p of st.records.peers()) cursors[p.station] = { ...p.acked };
  return { tables: tableFingerprints(st.records), vv: { ...st.records.versionVector() }, cursors };
}

export interface RigOptions {
  calls?: string[];
  seed?: number;
  bitrate?: number;
  loss?: LossSpec;
  /** Runtime options per callsign (acceptInbound etc.). */
  runtime?: Record<string, Partial<Omit<RuntimeOptions, 'station' | 'port' | 'bitrate' | 'clock'>>>;
  /** Stations to start without a runtime (the test makes its own). */
  noRuntime?: string[];
}

export class AirRig {
  readonly clock: ManualClock;
  readonly channel: RadioChannel;
  readonly stations = new Map<string, Station>();
  readonly runtimes = new Map<string, StationRuntime>();
  readonly tap: SimRadio;
  /** Every frame the TAP heard, in order. */
  readonly air: HeardFrame[] = [];
  readonly dir: string;
  readonly bitrate: number;
  private readonly cleanup: () => void;
  private readonly extra: Station[] = [];

  constructor(opts: RigOptions = {}) {
    const t = tempDir('radiosync-sec-');
    this.dir = t.dir;
    this.cleanup = t.cleanup;
    this.clock = new ManualClock(T0);
    this.bitrate = opts.bitrate ?? 1200;
    const calls = opts.calls ?? ['N0AAA', 'N0BBB'];
    const sts = makeStations(this.dir, calls, { clock: this.clock });
    calls.forEach((c, i) => this.stations.set(c, sts[i]!));
    this.channel = new RadioChannel({ clock: this.clock, seed: opts.seed ?? 1, bitrate: this.bitrate, ...(opts.loss ? { loss: opts.loss } : {}) });
    for (const c of calls) {
      if (opts.noRuntime?.includes(c)) continue;
      this.startRuntime(c, opts.runtime?.[c] ?? {});
    }
    this.tap = this.channel.attach('TAP');
    this.tap.onFrame((bytes) => {
      const r = decodeAx25(bytes);
      if (!r.ok) return;
      this.air.push({ at: this.clock.now(), bytes, from: formatCallsign(r.frame.source), to: formatCallsign(r.frame.destination), info: r.frame.info });
    });
  }

  station(call: string): Station {
    return this.stations.get(call)!;
  }

  runtime(call: string): StationRuntime {
    return this.runtimes.get(call)!;
  }

  startRuntime(call: string, opts: Partial<Omit<RuntimeOptions, 'station' | 'port' | 'bitrate' | 'clock'>> = {}, port?: FramePort): StationRuntime {
    const rt = new StationRuntime({ station: this.station(call), port: port ?? simRadioPort(this.channel.attach(call)), bitrate: this.bitrate, clock: this.clock, ...opts });
    this.runtimes.set(call, rt);
    return rt;
  }

  stopRuntime(call: string): void {
    this.runtimes.get(call)?.close();
    this.runtimes.delete(call);
    this.channel.station(call)?.close();
  }

  /** A radio for an attacker (it can send any frame, with any source address). */
  attacker(name = 'EVIL'): SimRadio {
    return this.channel.attach(name);
  }

  /**
   * A station that claims `callsign` but holds its own keys (it never had the real station's
   * private key): it can sign and MAC, but with the wrong keys. It trusts `peers` by their real keys.
   */
  impostor(callsign: string, peers: string[]): Station {
    const db = join(this.dir, `impostor-${callsign}-${this.extra.length}.sqlite`);
    createEmptySampleDb(db);
    const home = join(this.dir, `impostor-${callsign}-${this.extra.length}`);
    initStation({ home, callsign, db, tables: SAMPLE_SYNC_TABLES, overrides: SAMPLE_TABLE_CONFIG, clock: this.clock });
    const st = Station.open(home, { clock: this.clock, env: {} });
    for (const p of peers) st.addPeer(p, this.station(p).publicKey());
    this.extra.push(st);
    return st;
  }

  /** Run virtual time until `done` or `limitMs`. */
  async run(done: () => boolean, limitMs: number): Promise<number> {
    return this.clock.run(done, limitMs);
  }

  close(): void {
    for (const rt of this.runtimes.values()) rt.close();
    this.channel.close();
    for (const s of this.stations.values()) s.close();
    for (const s of this.extra) s.close();
    this.cleanup();
  }
}

/** An AX.25 UI frame (no FCS) carrying a radiosync frame, from any source. */
export function uiFrame(from: string, to: string, info: Uint8Array): Uint8Array {
  return encodeUiFrame({ destination: parseCallsign(to), source: parseCallsign(from), digipeaters: [], command: true, pid: PID_NO_L3, info });
}
