/**
 * The air between the stations, as a KISS TNC with its radio sees it (modelled on Dire Wolf with
 * KISSPORT; written for these tests from that description, not from src/sim):
 *
 * - Each station's TNC has a transmit queue of at most `queueDepth` frames (Dire Wolf: 100).
 *   A frame handed over when it is full is discarded and counted, like Dire Wolf's "Transmit
 *   packet queue is too long".
 * - One half-duplex channel. A station with frames waits while anyone is transmitting (carrier
 *   sense), then applies p-persistence: in each slot it keys up with probability (P+1)/256, else
 *   waits `slotMs` and senses again. Access is decided inside the channel's single event loop, so
 *   two key-ups never overlap (no collisions are modelled: loss stands in for them).
 * - A key-up is TXDELAY, then the queued frames back to back (frames queued meanwhile join the
 *   same key-up, as in Dire Wolf), then TXTAIL. One frame of L bytes (the KISS payload: AX.25
 *   address, control, PID, info) is L + 4 bytes on air (FCS 2, flag 2, i.e. info + 20 with no
 *   digipeater), bit-stuffed by 1/62: airtime = 8·(L + 4)·(1 + 1/62)/bitrate.
 * - A frame reaches every other station when its last bit has been sent; each receiver loses it
 *   independently (its own loss model and random stream). A station never hears itself.
 *   Optionally a delivered frame is duplicated, or held and released later (out of order).
 * - Nothing is ever reported to the sending station: no transmit-done, no queue level.
 *
 * Times are computed by the channel (target instants), so the statistics are the model's nominal
 * airtime, not the jitter of the host's timers.
 */
import { LossModel, type LossSpec } from './lossModel.js';
import { randomStream, type Random } from './seededRandom.js';
import type { Scheduler } from './scheduler.js';

/** Bytes a frame costs on air beyond its KISS payload: FCS (2) and one flag each side (2). */
export const ON_AIR_EXTRA_BYTES = 4;
/** Bit stuffing on random/compressed data: one bit in 62. */
export const STUFFING = 1 / 62;
/** Dire Wolf 1.6's transmit queue limit, frames. */
export const DEFAULT_QUEUE_DEPTH = 100;
/** Key-ups kept in the log (the oldest are dropped past it; `keyUpLogDropped` counts them). */
export const DEFAULT_KEYUP_LOG = 10_000;

export interface HoldSpec {
  /** Probability that a delivered frame is held back. */
  p: number;
  minMs: number;
  maxMs: number;
}

export interface AirChannelOptions {
  stations: readonly string[];
  bitrate: number;
  txdelayMs?: number;
  txtailMs?: number;
  /** KISS P, 0..255: key up in a free slot with probability (P+1)/256. 255 = at once. */
  persistence?: number;
  slotMs?: number;
  queueDepth?: number;
  loss?: LossSpec;
  /** Probability that a delivered frame is delivered a second time right after. */
  duplicate?: number;
  hold?: HoldSpec | null;
  seed?: number;
  keyUpLogLimit?: number;
}

export interface StationParams {
  txdelayMs: number;
  txtailMs: number;
  persistence: number;
  slotMs: number;
}

export interface KeyUp {
  station: string;
  start: number;
  end: number;
  frames: number;
}

export interface StationStats {
  /** Frames the host handed to the TNC (accepted into the queue). */
  queued: number;
  /** Frames discarded because the queue was full. */
  discarded: number;
  /** Frames put on air. */
  sent: number;
  keyUps: number;
  /** Transmit time, TXDELAY and TXTAIL included, ms. */
  airtimeMs: number;
  /** Bytes on air (L + 4 per frame). */
  bytesOnAir: number;
  /** Frames this station received (duplicates included). */
  received: number;
  /** Frames sent by others that this station lost. */
  lost: number;
  duplicated: number;
  held: number;
  /** Deepest its queue has been. */
  maxQueue: number;
}

export interface AirStats {
  elapsedMs: number;
  busyMs: number;
  bytesOnAir: number;
  framesOnAir: number;
  keyUps: number;
  stations: Record<string, StationStats>;
  keyUpLog: KeyUp[];
  keyUpLogDropped: number;
}

type Deliver = (to: string, frame: Uint8Array, from: string) => void;

interface Tx {
  name: string;
  params: StationParams;
  queue: Uint8Array[];
  state: 'idle' | 'access' | 'keyed';
  access: Random;
  stats: StationStats;
  keyUp?: KeyUp;
  /** Receiver side. */
  loss: LossModel;
  rx: Random;
}

export function frameAirtimeMs(frameBytes: number, bitrate: number): number {
  return (8 * (frameBytes + ON_AIR_EXTRA_BYTES) * (1 + STUFFING) * 1000) / bitrate;
}

export class AirChannel {
  private readonly tx = new Map<string, Tx>();
  private transmitter: Tx | undefined;
  private readonly waiting = new Set<Tx>();
  private readonly log: KeyUp[] = [];
  private logDropped = 0;
  private busyMs = 0;
  private readonly started: number;
  private closed = false;
  private readonly cancels = new Set<() => void>();
  private readonly o: Required<Omit<AirChannelOptions, 'hold'>> & { hold: HoldSpec | null };

  constructor(opts: AirChannelOptions, private readonly clock: Scheduler, private readonly deliver: Deliver) {
    this.o = {
      txdelayMs: 300, txtailMs: 50, persistence: 63, slotMs: 100, queueDepth: DEFAULT_QUEUE_DEPTH,
      loss: { model: 'iid', p: 0 }, duplicate: 0, seed: 1, keyUpLogLimit: DEFAULT_KEYUP_LOG, ...opts, hold: opts.hold ?? null,
    };
    if (!(this.o.bitrate > 0)) throw new Error(`bitrate must be > 0, got ${this.o.bitrate}`);
    if (new Set(opts.stations).size !== opts.stations.length || opts.stations.length < 1) throw new Error('stations must be distinct and at least one');
    if (!Number.isInteger(this.o.queueDepth) || this.o.queueDepth < 1) throw new Error(`queueDepth must be a positive integer, got ${this.o.queueDepth}`);
    opts.stations.forEach((name, i) => {
      this.tx.set(name, {
        name,
        params: { txdelayMs: this.o.txdelayMs, txtailMs: this.o.txtailMs, persistence: this.o.persistence, slotMs: this.o.slotMs },
        queue: [],
        state: 'idle',
        access: randomStream(this.o.seed, 2 * i),
        loss: new LossModel(this.o.loss, randomStream(this.o.seed, 2 * i + 1)),
        rx: randomStream(this.o.seed, 1000 + i),
        stats: { queued: 0, discarded: 0, sent: 0, keyUps: 0, airtimeMs: 0, bytesOnAir: 0, received: 0, lost: 0, duplicated: 0, held: 0, maxQueue: 0 },
      });
    });
    this.started = clock.now();
  }

  get stationNames(): string[] {
    return [...this.tx.keys()];
  }

  /** Change a station's key-up parameters (what a KISS TXDELAY/P/SlotTime/TXtail command would set). */
  setParams(station: string, p: Partial<StationParams>): void {
    const t = this.station(station);
    t.params = { ...t.params, ...p };
  }

  /** The host hands a frame to the station's TNC. False if the queue was full (discarded). */
  submit(station: string, frame: Uint8Array): boolean {
    const t = this.station(station);
    if (this.closed) return false;
    if (t.queue.length >= this.o.queueDepth) {
      t.stats.discarded++;
      return false;
    }
    t.queue.push(frame);
    t.stats.queued++;
    t.stats.maxQueue = Math.max(t.stats.maxQueue, t.queue.length);
    if (t.state === 'idle') {
      t.state = 'access';
      this.tryAccess(t, this.clock.now());
    }
    return true;
  }

  stats(): AirStats {
    const stations: Record<string, StationStats> = {};
    let bytesOnAir = 0;
    let framesOnAir = 0;
    let keyUps = 0;
    for (const t of this.tx.values()) {
      stations[t.name] = { ...t.stats };
      bytesOnAir += t.stats.bytesOnAir;
      framesOnAir += t.stats.sent;
      keyUps += t.stats.keyUps;
    }
    return { elapsedMs: this.clock.now() - this.started, busyMs: this.busyMs, bytesOnAir, framesOnAir, keyUps, stations, keyUpLog: this.log.map((k) => ({ ...k })), keyUpLogDropped: this.logDropped };
  }

  /** Stop: nothing more goes on air or is delivered. */
  close(): void {
    this.closed = true;
    for (const c of this.cancels) c();
    this.cancels.clear();
  }

  private station(name: string): Tx {
    const t = this.tx.get(name);
    if (!t) throw new Error(`no station ${name}`);
    return t;
  }

  private at(t: number, fn: () => void): void {
    if (this.closed) return;
    const cancel = this.clock.at(t, () => {
      this.cancels.delete(cancel);
      if (!this.closed) fn();
    });
    this.cancels.add(cancel);
  }

  /** Carrier sense, then p-persistence, at instant `t`. */
  private tryAccess(t: Tx, now: number): void {
    if (this.transmitter) {
      this.waiting.add(t);
      return;
    }
    if (t.params.persistence >= 255 || t.access() * 256 < t.params.persistence + 1) {
      this.keyUp(t, now);
      return;
    }
    const next = now + t.params.slotMs;
    this.at(next, () => this.tryAccess(t, next));
  }

  private keyUp(t: Tx, now: number): void {
    this.transmitter = t;
    this.waiting.delete(t);
    t.state = 'keyed';
    t.stats.keyUps++;
    t.keyUp = { station: t.name, start: now, end: now, frames: 0 };
    const first = now + t.params.txdelayMs;
    this.at(first, () => this.sendNext(t, first));
  }

  private sendNext(t: Tx, now: number): void {
    const frame = t.queue.shift();
    if (!frame) {
      const end = now + t.params.txtailMs;
      this.at(end, () => this.unkey(t, end));
      return;
    }
    const done = now + frameAirtimeMs(frame.length, this.o.bitrate);
    this.at(done, () => {
      t.stats.sent++;
      t.stats.bytesOnAir += frame.length + ON_AIR_EXTRA_BYTES;
      t.keyUp!.frames++;
      this.hear(t, frame, done);
      this.sendNext(t, done);
    });
  }

  private unkey(t: Tx, now: number): void {
    const k = t.keyUp!;
    k.end = now;
    t.keyUp = undefined;
    this.log.push(k);
    if (this.log.length > this.o.keyUpLogLimit) {
      this.log.shift();
      this.logDropped++;
    }
    this.busyMs += k.end - k.start;
    t.stats.airtimeMs += k.end - k.start;
    this.transmitter = undefined;
    t.state = 'idle';
    if (t.queue.length > 0) t.state = 'access';
    // Everyone who was waiting senses the channel clear now; the sender joins them if it has more.
    const contenders = [...this.waiting];
    if (t.state === 'access') contenders.push(t);
    this.waiting.clear();
    for (const c of contenders) this.at(now, () => this.tryAccess(c, now));
  }

  /** The frame's last bit is out: every other station may hear it. */
  private hear(from: Tx, frame: Uint8Array, now: number): void {
    for (const r of this.tx.values()) {
      if (r === from) continue;
      if (r.loss.lose()) {
        r.stats.lost++;
        continue;
      }
      const copies = this.o.duplicate > 0 && r.rx() < this.o.duplicate ? 2 : 1;
      if (copies === 2) r.stats.duplicated++;
      for (let i = 0; i < copies; i++) {
        const h = this.o.hold;
        if (h && h.p > 0 && r.rx() < h.p) {
          r.stats.held++;
          const release = now + h.minMs + r.rx() * (h.maxMs - h.minMs);
          this.at(release, () => this.hand(r, frame, from));
        } else this.hand(r, frame, from);
      }
    }
  }

  private hand(r: Tx, frame: Uint8Array, from: Tx): void {
    r.stats.received++;
    this.deliver(r.name, frame, from.name);
  }
}
