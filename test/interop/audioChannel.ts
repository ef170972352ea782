/**
 * One direction of the simulated radio path between two Dire Wolf instances.
 *
 * Dire Wolf transmits through ALSA's `file` plugin (slave `null`) into a FIFO. That plugin does not
 * pace: a transmission arrives as one burst, and nothing arrives between transmissions. The
 * receiving Dire Wolf reads `ADEVICE stdin` and needs a continuous real-time stream. This module
 * sits in between:
 *
 *   tx FIFO (S16LE mono, bursts) ──▶ queue ──▶ pace at ARATE ──▶ ×gain + noise, drop-outs ──▶ rx FIFO
 *                                      (gaps filled with silence; the noise is added everywhere)
 *
 * Levels: Dire Wolf transmits a full-scale sine (RMS 32767/√2). We scale it by `gain` (0.25), and
 * the SNR is the power of a sine at that scaled level over the power of white Gaussian noise across
 * the whole 0–ARATE/2 band. So "0 dB" means noise RMS = 0.25·32767/√2 ≈ 5793.
 *
 * Drop-outs: Poisson arrivals at `dropoutsPerSecond`, each `dropoutMs` long; during a drop-out the
 * signal is muted (the noise stays), like a fade.
 *
 * Runs as its own process (`channelMain.ts`), so the harness's event loop cannot starve it.
 */
import { openSync, writeSync, closeSync, createReadStream, constants } from 'node:fs';

/** Sample rate of the whole harness. 48 kHz is what Dire Wolf handled reliably on stdin here. */
export const SAMPLE_RATE = 48_000;
/** Level applied to Dire Wolf's full-scale output; at full scale the receiver complains "too high". */
export const DEFAULT_GAIN = 0.25;
/** How far ahead of real time we keep the receiver fed, to ride out timer jitter. 100 ms = 9.6 kB, well inside a 64 kB pipe. */
export const LEAD_MS = 100;
/** Pacing tick. */
export const TICK_MS = 10;
/**
 * Bound on audio waiting for the receiver: 1 s. The output FIFO is non-blocking (a blocked write
 * would freeze the pacing loop, and before the receiving Dire Wolf starts nobody reads it); what
 * does not fit is dropped and counted, as a receiver that is not listening would miss it.
 */
export const MAX_PENDING_OUTPUT_BYTES = SAMPLE_RATE * 2;
/** Bound on queued transmit audio: 120 s of samples. Dire Wolf never sends a burst that long; more means the reader stalled. */
export const MAX_QUEUED_SAMPLES = 120 * SAMPLE_RATE;

export interface AudioChannelOptions {
  /** FIFO Dire Wolf writes its transmit audio into. */
  input: string;
  /** FIFO the other Dire Wolf reads as stdin. */
  output: string;
  gain?: number;
  /** Signal-to-noise ratio in dB (see module doc); undefined = no noise. */
  snrDb?: number;
  dropoutsPerSecond?: number;
  dropoutMs?: number;
  /** Seed for the noise and drop-out generator. */
  seed?: number;
}

export interface AudioChannelStats {
  /** Samples that came out of the transmitting Dire Wolf (its airtime × rate). */
  samplesIn: number;
  /** Samples written to the receiver (real time × rate). */
  samplesOut: number;
  /** Transmissions seen (a burst after ≥ 50 ms without transmit audio). */
  keyUps: number;
  /** Samples muted by drop-outs while signal was present. */
  samplesDropped: number;
  /** Samples lost because the queue bound was hit. */
  samplesOverflowed: number;
  /** Transmit audio waiting to be played out (0 = the channel is quiet). */
  queuedSamples: number;
  /** Output samples dropped because the receiver was not reading (e.g. before it started). */
  samplesUnread: number;
}

/** Small seeded PRNG (mulberry32): the harness must be reproducible, and library rules forbid Math.random. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Noise RMS (in sample units) for an SNR against a sine at `gain` of full scale. */
export function noiseRmsFor(snrDb: number, gain: number): number {
  const signalRms = (gain * 32767) / Math.SQRT2;
  return signalRms / Math.pow(10, snrDb / 20);
}

export class AudioChannel {
  readonly stats: AudioChannelStats = { samplesIn: 0, samplesOut: 0, keyUps: 0, samplesDropped: 0, samplesOverflowed: 0, queuedSamples: 0, samplesUnread: 0 };
  private readonly queue: Int16Array[] = [];
  private queueHead = 0; // offset into queue[0]
  private queued = 0;
  private carry: Buffer | null = null;
  private pendingOut: Buffer = Buffer.alloc(0);
  private outFd = -1;
  private inFd = -1;
  private timer: NodeJS.Timeout | null = null;
  private startNs = 0n;
  private lastInputNs = 0n;
  private readonly rand: () => number;
  private readonly noiseRms: number;
  private readonly gain: number;
  private dropoutLeft = 0;
  private spareGauss: number | null = null;

  constructor(private readonly opts: AudioChannelOptions) {
    this.rand = mulberry32(opts.seed ?? 1);
    this.gain = opts.gain ?? DEFAULT_GAIN;
    this.noiseRms = opts.snrDb === undefined ? 0 : noiseRmsFor(opts.snrDb, this.gain);
  }

  start(): void {
    // Read-write opens never block on a FIFO, and keep a writer alive so we never see EOF.
    this.inFd = openSync(this.opts.input, 'r+');
    this.outFd = openSync(this.opts.output, constants.O_RDWR | constants.O_NONBLOCK);
    const rs = createReadStream('', { fd: this.inFd, autoClose: false, highWaterMark: 64 * 1024 });
    rs.on('data', (chunk) => this.onInput(chunk as Buffer));
    rs.on('error', () => undefined);
    this.startNs = process.hrtime.bigint();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const fd of [this.outFd]) if (fd >= 0) closeSync(fd);
    this.outFd = -1;
  }

  private onInput(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    if (buf.length % 2 === 1) {
      this.carry = buf.subarray(buf.length - 1);
      buf = buf.subarray(0, buf.length - 1);
    }
    const now = process.hrtime.bigint();
    if (this.queued === 0 && now - this.lastInputNs > 50_000_000n) this.stats.keyUps++;
    this.lastInputNs = now;
    const n = buf.length / 2;
    const samples = new Int16Array(n);
    for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(i * 2);
    this.stats.samplesIn += n;
    if (this.queued + n > MAX_QUEUED_SAMPLES) {
      this.stats.samplesOverflowed += n;
      return;
    }
    this.queue.push(samples);
    this.queued += n;
  }

  private gauss(): number {
    if (this.spareGauss !== null) {
      const g = this.spareGauss;
      this.spareGauss = null;
      return g;
    }
    const u = Math.max(this.rand(), 1e-12);
    const v = this.rand();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareGauss = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  private nextSignal(): number | null {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (this.queueHead < head.length) {
        this.queued--;
        return head[this.queueHead++]!;
      }
      this.queue.shift();
      this.queueHead = 0;
    }
    return null;
  }

  private tick(): void {
    const elapsedNs = process.hrtime.bigint() - this.startNs;
    const target = Number((elapsedNs * BigInt(SAMPLE_RATE)) / 1_000_000_000n) + (LEAD_MS * SAMPLE_RATE) / 1000;
    const n = target - this.stats.samplesOut;
    if (n <= 0) return;
    const out = Buffer.alloc(n * 2);
    const pDropStart = (this.opts.dropoutsPerSecond ?? 0) / SAMPLE_RATE;
    const dropLen = Math.round(((this.opts.dropoutMs ?? 0) * SAMPLE_RATE) / 1000);
    for (let i = 0; i < n; i++) {
      const s = this.nextSignal();
      let v = 0;
      if (pDropStart > 0 && this.dropoutLeft === 0 && this.rand() < pDropStart) this.dropoutLeft = dropLen;
      if (s !== null) {
        if (this.dropoutLeft > 0) this.stats.samplesDropped++;
        else v = s * this.gain;
      }
      if (this.dropoutLeft > 0) this.dropoutLeft--;
      if (this.noiseRms > 0) v += this.gauss() * this.noiseRms;
      out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v))), i * 2);
    }
    this.stats.samplesOut += n;
    this.stats.queuedSamples = this.queued;
    if (this.pendingOut.length + out.length > MAX_PENDING_OUTPUT_BYTES) {
      this.stats.samplesUnread += n; // whole chunks only, so the byte stream stays sample-aligned
    } else {
      this.pendingOut = this.pendingOut.length === 0 ? out : Buffer.concat([this.pendingOut, out]);
    }
    this.flush();
  }

  private flush(): void {
    while (this.pendingOut.length > 0) {
      let written: number;
      try {
        written = writeSync(this.outFd, this.pendingOut);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return; // pipe full: try next tick
        this.pendingOut = Buffer.alloc(0); // receiver gone (harness stopping)
        return;
      }
      this.pendingOut = this.pendingOut.subarray(written);
    }
  }
}
