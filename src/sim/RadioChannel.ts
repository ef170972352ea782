/**
 * A simulated half-duplex radio channel shared by N stations, on an injected {@link Clock}.
 *
 * With a ManualClock it runs in virtual time (an hour of traffic at 1200 bit/s in well under a
 * second of CPU); with systemClock it runs in real time (the `radiosync sim` hub). For a given seed,
 * options and sequence of calls it replays exactly.
 *
 * Model, per event (see docs/simulator.md):
 * 1. Access. A station with queued frames checks the channel at once and then once per slot: if it
 *    senses a carrier (another key-up that began at least `carrierDetectMs` ago and is still on)
 *    it waits a slot; otherwise it draws r ∈ [0,255] and keys up if r ≤ persistence (probability
 *    (P+1)/256, as the KISS spec and Dire Wolf do), else waits a slot. Full duplex skips both.
 * 2. Key-up. TXDELAY, then every queued frame back to back (frames queued meanwhile join the same
 *    key-up), then TXTAIL. Frame time = on-air bits / bit rate (airtime.ts).
 * 3. Reception. When a frame ends, each other station receives it unless (first reason wins):
 *    it cannot hear the sender at all (`hears`, default: everyone hears everyone);
 *    an outage covering that receiver overlaps the frame; the receiver itself was keyed during the
 *    frame (half-duplex); the key-up of a third station it hears overlapped the frame (collision,
 *    no capture effect); the link's loss model drops it; a bit error hits it
 *    (probability 1 − (1 − ber)^bits). Survivors are delivered `latencyMs` later, plus up to
 *    `latencyJitterMs` drawn per frame; a `duplicate` share twice; a `hold` share held back longer.
 *
 * Randomness: one xoshiro128** stream per purpose, forked from the seed by label (`access:A`,
 * `loss:A>B`, `ber:A>B`), so adding a station does not change the draws of the others, and the
 * loss and BER draws are made for every frame on every link whatever the outcome.
 */
import { channel as diagnosticsChannel } from 'node:diagnostics_channel';
import type { Clock } from '../clock/Clock.js';
import { makeError } from '../errors/RadiosyncError.js';
import { Prng } from '../util/prng.js';
import { onAirBits, onAirBytes, type StuffingMode } from './airtime.js';
import { SIM_ERRORS } from './errors.js';
import { createLossProcess, validateLossSpec, type LossSpec } from './lossModels.js';
import { SimRadio, type ChannelHooks, type StationOptions } from './SimRadio.js';
import { sumStats, type LossReason, type StationAirStats } from './StationAirStats.js';
import {
  DEFAULT_CARRIER_DETECT_MS,
  MAX_SIM_STATION_NAME,
  MAX_SIM_STATIONS,
  bad,
  checkOutage,
  type Outage,
  type RadioChannelOptions,
} from './channelOptions.js';

export {
  DEFAULT_CARRIER_DETECT_MS,
  MAX_SIM_STATION_NAME,
  MAX_SIM_STATIONS,
  hiddenPairs,
  type Outage,
  type RadioChannelOptions,
} from './channelOptions.js';

/**
 * Named diagnostics_channel events (published only when someone subscribes):
 * - `radiosync:sim:keyup`   { station, at }
 * - `radiosync:sim:keydown` { station, at, airtimeMs, collided }
 * - `radiosync:sim:frame`   { from, to, at, bytes, delivered, reason? }  one per frame per receiver
 */
export const SIM_DIAGNOSTICS = {
  keyUp: 'radiosync:sim:keyup',
  keyDown: 'radiosync:sim:keydown',
  frame: 'radiosync:sim:frame',
} as const;
const diagKeyUp = diagnosticsChannel(SIM_DIAGNOSTICS.keyUp);
const diagKeyDown = diagnosticsChannel(SIM_DIAGNOSTICS.keyDown);
const diagFrame = diagnosticsChannel(SIM_DIAGNOSTICS.frame);

interface KeyUp {
  radio: SimRadio;
  start: number;
  /** Infinity while the transmitter is keyed. */
  end: number;
  collided: boolean;
}

interface Link {
  lose: () => boolean;
  berPrng: Prng;
}

export class RadioChannel {
  readonly clock: Clock;
  readonly bitrate: number;
  /** Clock time at creation: outages count from here. */
  readonly origin: number;
  private readonly root: Prng;
  private readonly loss: LossSpec;
  private readonly ber: number;
  private readonly latencyMs: number;
  private readonly jitterMs: number;
  private readonly duplicate: number;
  private readonly hold: { p: number; maxMs: number } | undefined;
  private readonly deliveryPrng: Prng;
  private readonly stuffing: StuffingMode;
  private readonly carrierSense: boolean;
  private readonly carrierDetectMs: number;
  private readonly hears: (receiver: string, sender: string) => boolean;
  private readonly outages: Outage[] = [];
  private readonly radios = new Map<string, SimRadio>();
  private readonly accessPrng = new Map<SimRadio, Prng>();
  private readonly links = new Map<string, Link>();
  private keyUps: KeyUp[] = [];
  private pendingDeliveries = 0;
  private lastKeyUpStation: SimRadio | undefined;
  private turnaroundCount = 0;
  private readonly hooks: ChannelHooks;

  constructor(opts: RadioChannelOptions) {
    if (typeof opts !== 'object' || opts === null || typeof opts.clock?.setTimer !== 'function') bad('clock', opts?.clock, 'a Clock');
    if (typeof opts.bitrate !== 'number' || !Number.isFinite(opts.bitrate) || opts.bitrate <= 0) bad('bitrate', opts.bitrate, 'a positive number of bit/s');
    const ber = opts.ber ?? 0;
    if (typeof ber !== 'number' || !(ber >= 0 && ber <= 1)) bad('ber', ber, 'a probability in [0, 1]');
    const latencyMs = opts.latencyMs ?? 0;
    if (typeof latencyMs !== 'number' || !(latencyMs >= 0) || !Number.isFinite(latencyMs)) bad('latencyMs', latencyMs, 'a number ≥ 0');
    const jitter = opts.latencyJitterMs ?? 0;
    if (typeof jitter !== 'number' || !(jitter >= 0) || !Number.isFinite(jitter)) bad('latencyJitterMs', jitter, 'a number ≥ 0');
    const duplicate = opts.duplicate ?? 0;
    if (typeof duplicate !== 'number' || !(duplicate >= 0 && duplicate <= 1)) bad('duplicate', duplicate, 'a probability in [0, 1]');
    if (opts.hold !== undefined) {
      const h = opts.hold;
      if (typeof h !== 'object' || h === null || !(h.p >= 0 && h.p <= 1)) bad('hold.p', h?.p, 'a probability in [0, 1]');
      if (!(typeof h.maxMs === 'number' && h.maxMs >= 0 && Number.isFinite(h.maxMs))) bad('hold.maxMs', h.maxMs, 'a number ≥ 0');
    }
    const cd = opts.carrierDetectMs ?? DEFAULT_CARRIER_DETECT_MS;
    if (typeof cd !== 'number' || !(cd >= 0) || !Number.isFinite(cd)) bad('carrierDetectMs', cd, 'a number ≥ 0');
    const stuffing = opts.stuffing ?? 'exact';
    if (stuffing !== 'exact' && stuffing !== 'average') bad('stuffing', stuffing, "'exact' or 'average'");
    this.loss = opts.loss ?? { kind: 'none' };
    validateLossSpec(this.loss);
    this.clock = opts.clock;
    this.bitrate = opts.bitrate;
    this.origin = opts.clock.now();
    this.root = new Prng(opts.seed ?? 0);
    this.ber = ber;
    this.latencyMs = latencyMs;
    this.jitterMs = jitter;
    this.duplicate = duplicate;
    this.hold = opts.hold;
    this.deliveryPrng = this.root.fork('delivery');
    this.stuffing = stuffing;
    this.carrierSense = opts.carrierSense ?? true;
    this.carrierDetectMs = cd;
    if (opts.hears !== undefined && typeof opts.hears !== 'function') bad('hears', opts.hears, 'a function (receiver, sender) => boolean');
    this.hears = opts.hears ?? (() => true);
    for (const o of opts.outages ?? []) this.addOutage(o);
    this.hooks = {
      now: () => this.clock.now(),
      wake: (r) => this.wake(r),
      detach: (r) => this.detach(r),
    };
  }

  /** Put a station on the channel. Names are unique per channel. */
  attach(name: string, opts: StationOptions = {}): SimRadio {
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_SIM_STATION_NAME || /[\s>]/.test(name)) {
      bad('name', name, `1-${MAX_SIM_STATION_NAME} characters without spaces or '>'`);
    }
    if (this.radios.has(name)) throw makeError(SIM_ERRORS, 'RS_ERR_SIM_STATION_EXISTS', `station ${name} is already on this channel`, { name });
    if (this.radios.size >= MAX_SIM_STATIONS) bad('stations', this.radios.size + 1, `at most ${MAX_SIM_STATIONS}`);
    if (opts.loss !== undefined) validateLossSpec(opts.loss);
    if (opts.ber !== undefined && !(opts.ber >= 0 && opts.ber <= 1)) bad('ber', opts.ber, 'a probability in [0, 1]');
    const radio = new SimRadio(name, opts, this.hooks);
    this.radios.set(name, radio);
    this.accessPrng.set(radio, this.root.fork(`access:${name}`));
    return radio;
  }

  /** The station called `name`, if attached. */
  station(name: string): SimRadio | undefined {
    return this.radios.get(name);
  }

  /** Names of the stations, in attach order. */
  get stationNames(): string[] {
    return [...this.radios.keys()];
  }

  /** Add a scheduled outage (ms since the channel was created). */
  addOutage(o: Outage): void {
    checkOutage(o);
    this.outages.push({ ...o, stations: o.stations ? [...o.stations] : undefined });
  }

  /** Per-station counters. */
  stats(): Record<string, StationAirStats> {
    const out: Record<string, StationAirStats> = {};
    for (const [name, r] of this.radios) out[name] = r.stats();
    return out;
  }

  /** Counters summed over all stations. */
  totals(): StationAirStats {
    return sumStats(Object.values(this.stats()));
  }

  /**
   * Turnarounds so far: key-ups by a different station than the previous key-up (the channel
   * changed hands; each costs TXDELAY + access + TXTAIL, ~0.6 s). The first key-up counts as none.
   */
  get turnarounds(): number {
    return this.turnaroundCount;
  }

  /** True when a transmitter is keyed. */
  get busy(): boolean {
    const now = this.clock.now();
    return this.keyUps.some((k) => k.end > now);
  }

  /** True when no station has frames queued, waits for access or is keyed, and nothing is in flight. */
  get quiet(): boolean {
    if (this.pendingDeliveries > 0) return false;
    for (const r of this.radios.values()) if (r.state !== 'idle' || r.queue.length > 0) return false;
    return true;
  }

  /** Close every station. */
  close(): void {
    for (const r of this.radios.values()) r.close();
  }

  // ---- access -------------------------------------------------------------------------------

  private wake(radio: SimRadio): void {
    radio.state = 'access';
    radio.accessSince = this.clock.now();
    radio.timer = this.clock.setTimer(0, () => this.attempt(radio));
  }

  private senses(radio: SimRadio): boolean {
    const now = this.clock.now();
    return this.keyUps.some(
      (k) => k.radio !== radio && k.end > now && k.start + this.carrierDetectMs <= now && this.hears(radio.name, k.radio.name),
    );
  }

  private attempt(radio: SimRadio): void {
    radio.timer = undefined;
    if (radio.isClosed) return;
    if (radio.queue.length === 0) {
      radio.state = 'idle';
      return;
    }
    const p = radio.params;
    if (!p.fullDuplex) {
      const deferred = (this.carrierSense && this.senses(radio)) || this.accessPrng.get(radio)!.int(256) > p.persistence;
      if (deferred) {
        radio.timer = this.clock.setTimer(p.slotTimeMs, () => this.attempt(radio));
        return;
      }
    }
    this.keyUp(radio);
  }

  // ---- transmission -------------------------------------------------------------------------

  private keyUp(radio: SimRadio): void {
    const now = this.clock.now();
    radio.counters.accessWaitMs += now - radio.accessSince;
    radio.counters.keyUps++;
    if (this.lastKeyUpStation !== undefined && this.lastKeyUpStation !== radio) this.turnaroundCount++;
    this.lastKeyUpStation = radio;
    radio.state = 'tx';
    radio.keyUpStart = now;
    const k: KeyUp = { radio, start: now, end: Number.POSITIVE_INFINITY, collided: false };
    for (const other of this.keyUps) {
      if (other.end > now) {
        this.markCollided(other);
        this.markCollided(k);
      }
    }
    this.keyUps.push(k);
    if (diagKeyUp.hasSubscribers) diagKeyUp.publish({ station: radio.name, at: now });
    radio.timer = this.clock.setTimer(radio.params.txDelayMs, () => this.nextFrame(radio, k));
  }

  private markCollided(k: KeyUp): void {
    if (k.collided) return;
    k.collided = true;
    k.radio.counters.collisions++;
  }

  private nextFrame(radio: SimRadio, k: KeyUp): void {
    const frame = radio.queue.shift();
    if (frame === undefined) {
      radio.frameStart = undefined;
      radio.timer = this.clock.setTimer(radio.params.txTailMs, () => this.endKeyUp(radio, k));
      return;
    }
    const bits = onAirBits(frame, this.stuffing);
    const fs = this.clock.now();
    radio.counters.framesSent++;
    radio.counters.bytesOnAir += onAirBytes(frame.length);
    radio.counters.bitsOnAir += bits;
    radio.frameStart = fs;
    radio.timer = this.clock.setTimer((bits * 1000) / this.bitrate, () => this.frameDone(radio, k, frame, fs, bits));
  }

  private frameDone(radio: SimRadio, k: KeyUp, frame: Uint8Array, fs: number, bits: number): void {
    const fe = this.clock.now();
    for (const rx of this.radios.values()) {
      if (rx === radio || rx.isClosed) continue;
      const reason = this.fate(radio, rx, fs, fe, bits);
      if (diagFrame.hasSubscribers) {
        diagFrame.publish({ from: radio.name, to: rx.name, at: fe, bytes: frame.length, delivered: reason === undefined, reason });
      }
      if (reason !== undefined) {
        rx.counters.framesLost++;
        rx.counters.lostBy[reason]++;
        continue;
      }
      rx.counters.framesDelivered++;
      const copies = this.duplicate > 0 && this.deliveryPrng.chance(this.duplicate) ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        let delay = this.latencyMs + (this.jitterMs > 0 ? this.deliveryPrng.next() * this.jitterMs : 0);
        if (this.hold && this.deliveryPrng.chance(this.hold.p)) delay += this.deliveryPrng.next() * this.hold.maxMs;
        this.pendingDeliveries++;
        this.clock.setTimer(delay, () => {
          this.pendingDeliveries--;
          rx.deliver(frame, { from: radio.name, at: this.clock.now() });
        });
      }
    }
    radio.frameStart = undefined;
    this.prune();
    this.nextFrame(radio, k);
  }

  private link(tx: SimRadio, rx: SimRadio): Link {
    const key = `${tx.name}>${rx.name}`;
    let l = this.links.get(key);
    if (l === undefined) {
      const loss = createLossProcess(rx.rxLossSpec ?? this.loss, this.root.fork(`loss:${key}`));
      l = { lose: () => loss.lose(), berPrng: this.root.fork(`ber:${key}`) };
      this.links.set(key, l);
    }
    return l;
  }

  /** Why `rx` does not receive the frame [fs, fe) from `tx`, or undefined if it does. */
  private fate(tx: SimRadio, rx: SimRadio, fs: number, fe: number, bits: number): LossReason | undefined {
    const link = this.link(tx, rx);
    // draw both for every frame so one cause never shifts the other's stream
    const lost = link.lose();
    const ber = rx.rxBer ?? this.ber;
    const hit = link.berPrng.chance(1 - Math.pow(1 - ber, bits));
    if (!this.hears(rx.name, tx.name)) return 'range';
    const rs = fs - this.origin;
    const re = fe - this.origin;
    for (const o of this.outages) {
      if (o.startMs < re && o.endMs > rs && (o.stations === undefined || o.stations.includes(rx.name))) return 'outage';
    }
    let collided = false;
    for (const k of this.keyUps) {
      if (k.radio === tx || !(k.start < fe && k.end > fs)) continue;
      if (k.radio === rx) return 'halfDuplex';
      if (this.hears(rx.name, k.radio.name)) collided = true;
    }
    if (collided) return 'collision';
    if (lost) return 'loss';
    if (hit) return 'ber';
    return undefined;
  }

  /** Forget key-ups that ended before any frame still on air began. */
  private prune(): void {
    let threshold = this.clock.now();
    for (const r of this.radios.values()) if (r.frameStart !== undefined && r.frameStart < threshold) threshold = r.frameStart;
    this.keyUps = this.keyUps.filter((k) => k.end > threshold);
  }

  private endKeyUp(radio: SimRadio, k: KeyUp): void {
    const now = this.clock.now();
    k.end = now;
    radio.timer = undefined;
    radio.counters.airtimeMs += now - k.start;
    radio.state = 'idle';
    if (diagKeyDown.hasSubscribers) diagKeyDown.publish({ station: radio.name, at: now, airtimeMs: now - k.start, collided: k.collided });
    this.prune();
    if (radio.queue.length > 0) this.wake(radio);
    else radio.emitIdle();
  }

  private detach(radio: SimRadio): void {
    radio.timer?.cancel();
    radio.timer = undefined;
    const now = this.clock.now();
    for (const k of this.keyUps) {
      if (k.radio === radio && k.end > now) {
        k.end = now;
        radio.counters.airtimeMs += now - k.start;
      }
    }
    radio.state = 'idle';
    radio.frameStart = undefined;
    this.prune();
  }
}

