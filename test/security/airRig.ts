/**
 * A test rig for attacks on the air: real trusted stations (temp dir, SQLite) running
 * StationRuntime over the RadioChannel simulator on virtual time, a listen-only TAP radio that
 * records every frame on the air, and attacker radios that put any AX.25 frame on the channel.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import type { SimRadio } from '../../src/sim/SimRadio.js';
import type { LossSpec } from '../../src/sim/lossModels.js';
import { StationRuntime, type RuntimeOptions } from '../../src/sync/StationRuntime.js';
import { simRadioPort, type FramePort } from '../../src/sync/FramePort.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { initStation, Station } from '../../src/station/Station.js';
import { createEmptySampleDb, SAMPLE_SYNC_TABLES, SAMPLE_TABLE_CONFIG } from '../../src/demo/sampleData.js';
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
  /** The first station starts with the full sample database (4,409 rows); default: all empty. */
  sampleData?: boolean;
  /** Keep every frame the TAP hears in `air` (default true; long floods turn it off). */
  record?: boolean;
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
  private readonly radioOf = new Map<string, string>();
  private restarts = 0;

  constructor(opts: RigOptions = {}) {
    const t = tempDir('radiosync-sec-');
    this.dir = t.dir;
    this.cleanup = t.cleanup;
    this.clock = new ManualClock(T0);
    this.bitrate = opts.bitrate ?? 1200;
    const calls = opts.calls ?? ['N0AAA', 'N0BBB'];
    const sts = opts.sampleData ? makeStations(this.dir, calls, { clock: this.clock }) : emptyStations(this.dir, calls, this.clock);
    calls.forEach((c, i) => this.stations.set(c, sts[i]!));
    this.channel = new RadioChannel({ clock: this.clock, seed: opts.seed ?? 1, bitrate: this.bitrate, ...(opts.loss ? { loss: opts.loss } : {}) });
    for (const c of calls) {
      if (opts.noRuntime?.includes(c)) continue;
      this.startRuntime(c, opts.runtime?.[c] ?? {});
    }
    this.tap = this.channel.attach('TAP');
    this.tap.onFrame((bytes) => {
      if (opts.record === false) return;
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
    // a restarted station gets a new radio (the channel keeps a closed radio's name)
    const name = this.channel.station(call) ? `${call}#${++this.restarts}` : call;
    const rt = new StationRuntime({ station: this.station(call), port: port ?? simRadioPort(this.channel.attach(name)), bitrate: this.bitrate, clock: this.clock, ...opts });
    this.radioOf.set(call, name);
    this.runtimes.set(call, rt);
    return rt;
  }

  stopRuntime(call: string): void {
    this.runtimes.get(call)?.close();
    this.runtimes.delete(call);
    this.channel.station(this.radioOf.get(call) ?? call)?.close();
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

/** Stations on the sample application's empty schema, trusting each other. */
export function emptyStations(dir: string, calls: string[], clock: ManualClock): Station[] {
  const sts = calls.map((call) => {
    const home = join(dir, call);
    const db = join(dir, `${call}.sqlite`);
    createEmptySampleDb(db);
    initStation({ home, callsign: call, db, tables: SAMPLE_SYNC_TABLES, overrides: SAMPLE_TABLE_CONFIG, clock });
    return Station.open(home, { clock, env: {} });
  });
  for (const s of sts) for (const t of sts) if (s !== t) s.addPeer(t.callsign, t.publicKey());
  return sts;
}

/** Edits through plain SQL, as the application makes them: `n` new persons. Returns their UUIDs. */
export function addPersons(st: Station, n: number, tag = 'p'): string[] {
  const ins = st.records.db.prepare('INSERT INTO person (uuid, first_name, last_name, age, status, notes) VALUES (?, ?, ?, ?, ?, ?)');
  const out: string[] = [];
  st.records.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const u = randomUUID();
      ins.run(u, `${tag}${i}`, st.callsign, 20 + (i % 60), 'registered', `added at ${st.callsign}`);
      out.push(u);
    }
  })();
  return out;
}

/** Edits through plain SQL: change the notes of the `n` persons edited longest ago (deterministic). */
export function editPersons(st: Station, n: number, note: string): number {
  return st.records.db.prepare("UPDATE person SET notes = ? WHERE id IN (SELECT id FROM person WHERE notes NOT LIKE 'edited%' OR notes IS NULL ORDER BY id LIMIT ?)").run(note, n).changes;
}

/** An AX.25 UI frame (no FCS) carrying a radiosync frame, from any source. */
export function uiFrame(from: string, to: string, info: Uint8Array): Uint8Array {
  return encodeUiFrame({ destination: parseCallsign(to), source: parseCallsign(from), digipeaters: [], command: true, pid: PID_NO_L3, info });
}
