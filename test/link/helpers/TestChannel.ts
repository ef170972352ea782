/**
 * A lossy half-duplex channel of KISS TNCs for link tests, on virtual time. It is deliberately
 * harsher than the hardware it stands for:
 * - **No transmit-done signal** by default: like plain KISS over serial or TCP, nothing tells the
 *   sender when its frames actually left (`txDone: true` restores the signal, for TNCs that give it).
 * - Each station has a TNC with a bounded transmit queue (`tncQueueFrames`, Dire Wolf drops beyond
 *   100): frames handed to the TNC reach it after a host latency (`hostLatencyMs`, KISS over TCP,
 *   Dire Wolf's once-a-second client poll), wait for a clear channel and a p-persistence slot, then
 *   go out in one key-up with the TNC's own TXDELAY (`tncTxDelayMs`, which need not be what the link
 *   assumes) and TXTAIL. Frames that reach the TNC while it is keyed join the key-up.
 * - Each frame takes its airtime at the bit rate and is delivered at its end plus a delivery
 *   latency (`rxLatencyMs`), unless the receiver's loss process drops it: i.i.d. per receiver
 *   (`loss`), bursty (`burst`, Gilbert–Elliott), or scripted (`drop`).
 * - Frames can be duplicated (`duplicate`), held back and released seconds later (`hold`), or
 *   reordered inside a key-up (`reorder`).
 * Every random draw comes from one seeded PRNG, so a run replays from its seed.
 */
import type { ManualClock } from '../../../src/clock/ManualClock.js';
import type { Link, OutgoingBurst } from '../../../src/link/Link.js';
import { frameAirMs } from '../../../src/link/linkTiming.js';
import { Prng } from '../../../src/util/prng.js';

export interface TestChannelOptions {
  clock: ManualClock;
  bitrate: number;
  seed?: number;
  /** Frame loss probability per receiver (i.i.d.). */
  loss?: number | Record<string, number>;
  /** Bursty loss per (sender → receiver) path: Gilbert–Elliott, stepped once per frame. */
  burst?: { pGoodToBad: number; pBadToGood: number; lossGood?: number; lossBad?: number };
  /** Scripted drops: return true to drop this frame for this receiver. */
  drop?: (info: { from: string; to: string; receiver: string; frame: Uint8Array; at: number; index: number }) => boolean;
  /** Probability that a delivered frame is delivered twice. */
  duplicate?: number;
  /** Probability that a delivered frame is held back and delivered later, by up to `holdMs` (default 5 s). */
  hold?: number;
  holdMs?: number;
  /** Shuffle the frames of each key-up before delivery (the EOB frame stays last). */
  reorder?: boolean;
  /** TXDELAY the link is told about (default 300 ms). */
  txDelayMs?: number;
  /** TXDELAY the TNCs really use (default: txDelayMs). */
  tncTxDelayMs?: number;
  txTailMs?: number;
  /** Call Link.transmitDone at the end of every key-up (a TNC that reports it). Default false. */
  txDone?: boolean;
  /** Frames one TNC queues; beyond, frames are discarded (counted in `discarded`). Default 100. */
  tncQueueFrames?: number;
  /** Delay from the link's transmit() to its frames reaching the TNC: [min, max] ms, uniform. Default [0, 0]. */
  hostLatencyMs?: [number, number];
  /** Delay from a frame's end on air to the receiver's link: [min, max] ms, uniform. Default [0, 0]. */
  rxLatencyMs?: [number, number];
  /** p-persistence: transmit in a free slot with probability (persistence+1)/256. Default 255 (at once). */
  persistence?: number;
  slotTimeMs?: number;
}

export interface StationCounters {
  keyUps: number;
  frames: number;
  bytes: number;
  airtimeMs: number;
  dataFrames: number;
  /** Most frames in one key-up. */
  maxFramesPerKeyUp: number;
  /** Frames the TNC discarded because its queue was full. */
  discarded: number;
}

interface Tnc {
  queue: Array<{ to: string; frame: Uint8Array }>;
  state: 'idle' | 'access' | 'tx';
}

export class TestChannel {
  private links = new Map<string, Link>();
  private tncs = new Map<string, Tnc>();
  private busyUntil = 0;
  private rng: Prng;
  private index = 0;
  private pathBad = new Map<string, boolean>();
  readonly counters = new Map<string, StationCounters>();
  /** Every frame put on air: [from, destination, info, end time]. */
  readonly log: Array<{ from: string; to: string; frame: Uint8Array; at: number }> = [];
  /** Every key-up: station, start and end (for the half-duplex invariant). */
  readonly keyUpLog: Array<{ from: string; start: number; end: number }> = [];

  constructor(private readonly o: TestChannelOptions) {
    this.rng = new Prng(o.seed ?? 1);
  }

  private uniform(r: [number, number] | undefined): number {
    if (!r) return 0;
    return r[0] + this.rng.next() * (r[1] - r[0]);
  }

  transmitFor(name: string): (b: OutgoingBurst) => void {
    return (b) => {
      const frames = [...b.frames];
      const arrive = () => {
        const tnc = this.tncOf(name);
        const c = this.countersOf(name);
        for (const frame of frames) {
          if (tnc.queue.length >= (this.o.tncQueueFrames ?? 100)) c.discarded++;
          else tnc.queue.push({ to: b.to, frame });
        }
        if (tnc.state === 'idle') this.access(name);
      };
      const lat = this.uniform(this.o.hostLatencyMs);
      if (lat > 0) this.o.clock.setTimer(lat, arrive);
      else this.o.clock.setTimer(0, arrive);
    };
  }

  attach(name: string, link: Link): void {
    this.links.set(name, link);
    this.countersOf(name);
  }

  detach(name: string): void {
    this.links.delete(name);
    this.tncs.delete(name);
  }

  private tncOf(name: string): Tnc {
    let t = this.tncs.get(name);
    if (!t) {
      t = { queue: [], state: 'idle' };
      this.tncs.set(name, t);
    }
    return t;
  }

  private countersOf(name: string): StationCounters {
    let c = this.counters.get(name);
    if (!c) {
      c = { keyUps: 0, frames: 0, bytes: 0, airtimeMs: 0, dataFrames: 0, maxFramesPerKeyUp: 0, discarded: 0 };
      this.counters.set(name, c);
    }
    return c;
  }

  private lossFor(receiver: string): number {
    const l = this.o.loss ?? 0;
    return typeof l === 'number' ? l : l[receiver] ?? 0;
  }

  /** Channel access: wait for a clear channel, then a p-persistence slot. */
  private access(name: string): void {
    const tnc = this.tncs.get(name);
    if (!tnc || tnc.queue.length === 0) {
      if (tnc) tnc.state = 'idle';
      return;
    }
    tnc.state = 'access';
    const now = this.o.clock.now();
    if (now < this.busyUntil) {
      this.o.clock.setTimer(this.busyUntil - now, () => this.access(name));
      return;
    }
    const p = ((this.o.persistence ?? 255) + 1) / 256;
    if (p < 1 && !this.rng.chance(p)) {
      this.o.clock.setTimer(this.o.slotTimeMs ?? 100, () => this.access(name));
      return;
    }
    this.keyUp(name);
  }

  private keyUp(name: string): void {
    const tnc = this.tncs.get(name)!;
    const now = this.o.clock.now();
    tnc.state = 'tx';
    const c = this.countersOf(name);
    c.keyUps++;
    let t = now + (this.o.tncTxDelayMs ?? this.o.txDelayMs ?? 300);
    // the key-up lasts while the queue has frames (frames that arrive meanwhile join it)
    const deliveries: Array<{ at: number; to: string; frame: Uint8Array }> = [];
    let inKeyUp = 0;
    const sendNext = () => {
      const next = tnc.queue.shift();
      if (!next) return false;
      t += frameAirMs(next.frame.length, this.o.bitrate);
      deliveries.push({ at: t, to: next.to, frame: next.frame });
      c.frames++;
      inKeyUp++;
      c.bytes += next.frame.length;
      if ((next.frame[0]! & 0x38) === 0) c.dataFrames++;
      this.log.push({ from: name, to: next.to, frame: next.frame, at: t });
      return true;
    };
    // frames queued now go out back to back; frames arriving before the last one ends join
    while (sendNext());
    const finish = () => {
      if (tnc.queue.length > 0 && this.o.clock.now() >= t - 1e-9) {
        // frames that reached the TNC during the key-up: keep transmitting
        while (sendNext());
        this.flush(name, deliveries.splice(0));
        this.busyUntil = t + (this.o.txTailMs ?? 50);
        this.o.clock.setTimer(t - this.o.clock.now(), finish);
        return;
      }
      const end = t + (this.o.txTailMs ?? 50);
      this.flush(name, deliveries.splice(0));
      c.maxFramesPerKeyUp = Math.max(c.maxFramesPerKeyUp, inKeyUp);
      this.o.clock.setTimer(Math.max(0, end - this.o.clock.now()), () => {
        c.airtimeMs += end - now;
        this.keyUpLog.push({ from: name, start: now, end });
        tnc.state = 'idle';
        if (this.o.txDone) this.links.get(name)?.transmitDone();
        if (tnc.queue.length > 0) this.access(name);
      });
    };
    this.busyUntil = t + (this.o.txTailMs ?? 50);
    this.o.clock.setTimer(t - now, finish);
    // deliveries of the first part are scheduled at once (each at its own end time)
    this.flush(name, deliveries.splice(0));
  }

  private flush(from: string, deliveries: Array<{ at: number; to: string; frame: Uint8Array }>): void {
    if (deliveries.length === 0) return;
    if (this.o.reorder) {
      const frames = deliveries.map((d) => ({ to: d.to, frame: d.frame }));
      for (let i = frames.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        [frames[i], frames[j]] = [frames[j]!, frames[i]!];
      }
      const eobAt = frames.findIndex((f) => (f.frame[0]! & 1) === 1);
      if (eobAt >= 0) frames.push(frames.splice(eobAt, 1)[0]!);
      deliveries.forEach((d, i) => {
        d.frame = frames[i]!.frame;
        d.to = frames[i]!.to;
      });
    }
    const now = this.o.clock.now();
    for (const d of deliveries) {
      const index = this.index++;
      this.o.clock.setTimer(Math.max(0, d.at - now), () => this.deliver(from, d.to, d.frame, d.at, index));
    }
  }

  private lostOnPath(from: string, receiver: string): boolean {
    const b = this.o.burst;
    if (!b) return false;
    const key = `${from}>${receiver}`;
    let bad = this.pathBad.get(key) ?? false;
    const lost = this.rng.next() < (bad ? b.lossBad ?? 1 : b.lossGood ?? 0);
    bad = bad ? !this.rng.chance(b.pBadToGood) : this.rng.chance(b.pGoodToBad);
    this.pathBad.set(key, bad);
    return lost;
  }

  private deliver(from: string, to: string, frame: Uint8Array, at: number, index: number): void {
    for (const [receiver] of this.links) {
      if (receiver === from) continue;
      const lossDraw = this.rng.next();
      if (lossDraw < this.lossFor(receiver)) continue;
      if (this.lostOnPath(from, receiver)) continue;
      if (this.o.drop?.({ from, to, receiver, frame, at, index })) continue;
      const copies = this.o.duplicate && this.rng.chance(this.o.duplicate) ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        let delay = this.uniform(this.o.rxLatencyMs);
        if (this.o.hold && this.rng.chance(this.o.hold)) delay += this.rng.next() * (this.o.holdMs ?? 5000);
        const hand = () => this.links.get(receiver)?.receive(from, to, frame);
        if (delay > 0) this.o.clock.setTimer(delay, hand);
        else hand();
      }
    }
  }
}
