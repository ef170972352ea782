/**
 * A tiny lossy frame channel for link tests, on virtual time. Key-ups are serialised (perfect
 * carrier sense: a station keys up when the channel is free), each frame takes its airtime at the
 * bit rate, and is delivered at its end to every other station unless the loss model drops it.
 * Knobs for the nasty cases: seeded i.i.d. loss per receiver, a scripted `drop` predicate (outages,
 * bursts), duplicates, and reordering inside a key-up.
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
  /** Scripted drops: return true to drop this frame for this receiver. */
  drop?: (info: { from: string; to: string; receiver: string; frame: Uint8Array; at: number; index: number }) => boolean;
  /** Probability that a delivered frame is delivered twice. */
  duplicate?: number;
  /** Shuffle the frames of each key-up before delivery (all delivered at the key-up's end). */
  reorder?: boolean;
  txDelayMs?: number;
  txTailMs?: number;
}

export interface StationCounters {
  keyUps: number;
  frames: number;
  bytes: number;
  airtimeMs: number;
  dataFrames: number;
  /** Most frames in one key-up. */
  maxFramesPerKeyUp: number;
}

export class TestChannel {
  private links = new Map<string, Link>();
  private queues = new Map<string, OutgoingBurst[]>();
  private starting = new Set<string>();
  private busyUntil = 0;
  private rng: Prng;
  private index = 0;
  readonly counters = new Map<string, StationCounters>();
  /** Every frame put on air: [from, destination, info]. */
  readonly log: Array<{ from: string; to: string; frame: Uint8Array; at: number }> = [];

  constructor(private readonly o: TestChannelOptions) {
    this.rng = new Prng(o.seed ?? 1);
  }

  transmitFor(name: string): (b: OutgoingBurst) => void {
    return (b) => {
      const q = this.queues.get(name) ?? [];
      q.push({ to: b.to, frames: [...b.frames] });
      this.queues.set(name, q);
      if (!this.starting.has(name)) {
        this.starting.add(name);
        this.o.clock.setTimer(0, () => this.keyUp(name));
      }
    };
  }

  attach(name: string, link: Link): void {
    this.links.set(name, link);
    this.counters.set(name, this.counters.get(name) ?? { keyUps: 0, frames: 0, bytes: 0, airtimeMs: 0, dataFrames: 0, maxFramesPerKeyUp: 0 });
  }

  detach(name: string): void {
    this.links.delete(name);
    this.queues.delete(name);
  }

  private lossFor(receiver: string): number {
    const l = this.o.loss ?? 0;
    return typeof l === 'number' ? l : l[receiver] ?? 0;
  }

  private keyUp(name: string): void {
    const now = this.o.clock.now();
    if (now < this.busyUntil) {
      this.o.clock.setTimer(this.busyUntil - now, () => this.keyUp(name));
      return;
    }
    this.starting.delete(name);
    const bursts = this.queues.get(name) ?? [];
    this.queues.set(name, []);
    if (bursts.length === 0) return;
    const txDelay = this.o.txDelayMs ?? 300;
    const c = this.counters.get(name)!;
    c.keyUps++;
    let t = now + txDelay;
    const deliveries: Array<{ at: number; to: string; frame: Uint8Array }> = [];
    for (const b of bursts) {
      for (const f of b.frames) {
        t += frameAirMs(f.length, this.o.bitrate);
        deliveries.push({ at: t, to: b.to, frame: f });
        c.frames++;
        c.bytes += f.length;
        if ((f[0]! & 0x38) === 0) c.dataFrames++;
        this.log.push({ from: name, to: b.to, frame: f, at: t });
      }
    }
    c.maxFramesPerKeyUp = Math.max(c.maxFramesPerKeyUp, deliveries.length);
    const end = t + (this.o.txTailMs ?? 50);
    c.airtimeMs += end - now;
    this.busyUntil = end;
    if (this.o.reorder) {
      const shuffled = deliveries.map((d) => d.frame);
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      // keep the EOB frame last so the receiver's burst-end logic still sees the end
      const eobAt = shuffled.findIndex((f) => (f[0]! & 1) === 1);
      if (eobAt >= 0) shuffled.push(shuffled.splice(eobAt, 1)[0]!);
      deliveries.forEach((d, i) => {
        d.frame = shuffled[i]!;
        d.to = deliveries.find((x) => x.frame === shuffled[i])?.to ?? d.to;
      });
    }
    for (const d of deliveries) {
      const index = this.index++;
      this.o.clock.setTimer(d.at - now, () => this.deliver(name, d.to, d.frame, d.at, index));
    }
    this.o.clock.setTimer(end - now, () => {
      this.links.get(name)?.transmitDone();
      if ((this.queues.get(name) ?? []).length > 0 && !this.starting.has(name)) {
        this.starting.add(name);
        this.keyUp(name);
      }
    });
  }

  private deliver(from: string, to: string, frame: Uint8Array, at: number, index: number): void {
    for (const [receiver, link] of this.links) {
      if (receiver === from) continue;
      const lossDraw = this.rng.next();
      if (lossDraw < this.lossFor(receiver)) continue;
      if (this.o.drop?.({ from, to, receiver, frame, at, index })) continue;
      link.receive(from, to, frame);
      if (this.o.duplicate && this.rng.chance(this.o.duplicate)) link.receive(from, to, frame);
    }
  }
}
