import { makeError } from '../errors/RadiosyncError.js';
import type { Timer } from '../clock/Clock.js';
import type { Transport } from '../transport/Transport.js';
import { SIM_ERRORS } from './errors.js';
import type { LossSpec, LossProcess } from './lossModels.js';
import { cloneStats, emptyStats, type StationAirStats } from './StationAirStats.js';
import { SimKissPort } from './SimKissPort.js';
import { MAX_SIM_FRAME_BYTES } from './simFrameLimit.js';

import { RADIO_DEFAULTS } from '../radio/radioDefaults.js';

/**
 * Largest transmit queue a simulated TNC may be given, in frames: 1000 (~30 minutes of airtime at
 * 1200 bit/s), so a runaway sender cannot grow memory without end.
 */
export const MAX_SIM_QUEUED_FRAMES = 1000;
/**
 * Default transmit queue of a simulated TNC: 100 frames, as Dire Wolf 1.6 (it discards beyond 100
 * queued frames). Frames beyond it are discarded and counted (`framesDropped`), as a real TNC does.
 */
export const DEFAULT_TNC_QUEUE_FRAMES = 100;
export { MAX_SIM_FRAME_BYTES };

/** Channel-access parameters of one station (what KISS commands 1–5 set on a real TNC). */
export interface RadioParams {
  /** Key-up to first frame, ms. Default RADIO_DEFAULTS.txDelayMs. */
  txDelayMs: number;
  /** Last frame to key-down, ms. Default RADIO_DEFAULTS.txTailMs. */
  txTailMs: number;
  /** 0–255: transmit with probability (persistence+1)/256 in a free slot. Default 63. */
  persistence: number;
  /** Slot time, ms. Default RADIO_DEFAULTS.slotMs. */
  slotTimeMs: number;
  /** Full duplex (KISS command 5): transmit at once, without carrier sense or p-persistence. */
  fullDuplex: boolean;
}

/** Options of {@link RadioChannel.attach}: radio parameters, plus this receiver's own loss model. */
export interface StationOptions extends Partial<RadioParams> {
  /** Frames the TNC queues before it discards (1..MAX_SIM_QUEUED_FRAMES). Default {@link DEFAULT_TNC_QUEUE_FRAMES}. */
  tncQueueFrames?: number;
  /** Loss model for frames this station receives (overrides the channel's). */
  loss?: LossSpec;
  /** Bit error rate for frames this station receives (overrides the channel's). */
  ber?: number;
}

/** Where and when a heard frame came from. */
export interface HeardFrameInfo {
  /** Name of the sending station. */
  from: string;
  /** Clock time of delivery (end of the frame on air + latency). */
  at: number;
}

export type FrameListener = (frame: Uint8Array, info: HeardFrameInfo) => void;

/** @internal What a radio asks of its channel. */
export interface ChannelHooks {
  now(): number;
  /** The radio has frames queued and is idle: start channel access. */
  wake(radio: SimRadio): void;
  /** The radio is closing: stop any access attempt or key-up. */
  detach(radio: SimRadio): void;
}

function checkParam(name: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"${name}" must be a number in [${min}, ${max}]: ${String(v)}`, { name, value: v });
  }
}

/** Validate and fill radio parameters from defaults. */
export function resolveRadioParams(opts: Partial<RadioParams> = {}, base?: RadioParams): RadioParams {
  const p: RadioParams = {
    txDelayMs: opts.txDelayMs ?? base?.txDelayMs ?? RADIO_DEFAULTS.txDelayMs,
    txTailMs: opts.txTailMs ?? base?.txTailMs ?? RADIO_DEFAULTS.txTailMs,
    persistence: opts.persistence ?? base?.persistence ?? RADIO_DEFAULTS.persistence,
    slotTimeMs: opts.slotTimeMs ?? base?.slotTimeMs ?? RADIO_DEFAULTS.slotMs,
    fullDuplex: opts.fullDuplex ?? base?.fullDuplex ?? false,
  };
  checkParam('txDelayMs', p.txDelayMs, 0, 60_000);
  checkParam('txTailMs', p.txTailMs, 0, 60_000);
  checkParam('persistence', p.persistence, 0, 255);
  if (!Number.isInteger(p.persistence)) checkParam('persistence', NaN, 0, 255);
  checkParam('slotTimeMs', p.slotTimeMs, 1, 60_000);
  return p;
}

/**
 * One station on a simulated channel: a radio with a KISS TNC. Made by {@link RadioChannel.attach}.
 *
 * `send` queues a frame; the station then contends for the channel and, once it gets it, sends
 * every queued frame (including frames queued while it is on air) in ONE key-up, as a TNC does.
 * Half-duplex: it hears nothing while its transmitter is keyed.
 */
export class SimRadio {
  readonly name: string;
  /** @internal */ params: RadioParams;
  /** @internal */ readonly queue: Uint8Array[] = [];
  /** @internal */ readonly counters: StationAirStats = emptyStats();
  /** @internal 'idle' | 'access' (waiting for the channel) | 'tx' (keyed). */
  state: 'idle' | 'access' | 'tx' = 'idle';
  /** @internal */ timer: Timer | undefined;
  /** @internal when the current access wait began. */ accessSince = 0;
  /** @internal start of the key-up in progress. */ keyUpStart = 0;
  /** @internal start of the frame on air, if any. */ frameStart: number | undefined;
  /** @internal loss processes for frames heard from each sender. */
  readonly rxLoss = new Map<string, { loss: LossProcess; ber: () => number }>();
  /** @internal */ readonly rxLossSpec: LossSpec | undefined;
  /** @internal */ readonly rxBer: number | undefined;
  /** @internal called once when the radio closes (its KISS sessions close with it). */
  readonly closeHooks = new Set<() => void>();
  private readonly frameListeners = new Set<FrameListener>();
  private readonly idleListeners = new Set<() => void>();
  private kissPort: SimKissPort | undefined;
  private closed = false;
  private readonly queueFrames: number;

  /** @internal */
  constructor(
    name: string,
    opts: StationOptions,
    private readonly hooks: ChannelHooks,
  ) {
    this.name = name;
    this.params = resolveRadioParams(opts);
    this.rxLossSpec = opts.loss;
    this.rxBer = opts.ber;
    this.queueFrames = opts.tncQueueFrames ?? DEFAULT_TNC_QUEUE_FRAMES;
    checkParam('tncQueueFrames', this.queueFrames, 1, MAX_SIM_QUEUED_FRAMES);
  }

  /**
   * Queue one AX.25 frame (without FCS) for transmission. Throws RS_ERR_SIM_FRAME_TOO_LARGE for an
   * empty or over-long frame and RS_ERR_SIM_CLOSED after close; a full queue drops the frame and
   * counts it in `framesDropped`.
   */
  send(frame: Uint8Array): void {
    if (this.closed) throw makeError(SIM_ERRORS, 'RS_ERR_SIM_CLOSED', `station ${this.name} is closed`, { station: this.name });
    if (frame.length === 0 || frame.length > MAX_SIM_FRAME_BYTES) {
      throw makeError(SIM_ERRORS, 'RS_ERR_SIM_FRAME_TOO_LARGE', `frame of ${frame.length} bytes: must be 1-${MAX_SIM_FRAME_BYTES}`, {
        station: this.name,
        length: frame.length,
      });
    }
    if (this.queue.length >= this.queueFrames) {
      this.counters.framesDropped++;
      return;
    }
    this.queue.push(frame.slice());
    if (this.state === 'idle') this.hooks.wake(this);
  }

  /** Listen for frames heard from other stations. Returns an unsubscribe function. */
  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    return () => void this.frameListeners.delete(listener);
  }

  /** Called when the transmit queue is empty and the transmitter has keyed down (after TXTAIL). */
  onIdle(listener: () => void): () => void {
    this.idleListeners.add(listener);
    return () => void this.idleListeners.delete(listener);
  }

  /** This radio seen as a KISS TNC byte stream (one shared session, made on first use). */
  get kiss(): Transport {
    this.kissPort ??= new SimKissPort(this);
    return this.kissPort;
  }

  /** A further KISS session on this TNC (as Dire Wolf serves several KISS clients at once). */
  openKiss(name?: string): Transport {
    return new SimKissPort(this, name);
  }

  /** Current channel-access parameters. */
  get radioParams(): Readonly<RadioParams> {
    return { ...this.params };
  }

  /** Change channel-access parameters (KISS commands 1–5 do this); takes effect at the next decision. */
  configure(params: Partial<RadioParams>): void {
    this.params = resolveRadioParams(params, this.params);
  }

  /** Frames waiting to go on air. */
  get queuedFrames(): number {
    return this.queue.length;
  }

  /** Bytes waiting to go on air (frame bytes, as Dire Wolf's TXBUF reports). */
  get queuedBytes(): number {
    let n = 0;
    for (const f of this.queue) n += f.length;
    return n;
  }

  /** True while the transmitter is keyed. */
  get transmitting(): boolean {
    return this.state === 'tx';
  }

  /** A copy of this station's counters (airtime so far includes a key-up in progress). */
  stats(): StationAirStats {
    const s = cloneStats(this.counters);
    if (this.state === 'tx') s.airtimeMs += this.hooks.now() - this.keyUpStart;
    return s;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Leave the channel: drop the queue, key down at once, stop listening. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.hooks.detach(this);
    this.frameListeners.clear();
    this.idleListeners.clear();
    for (const h of [...this.closeHooks]) h();
    this.closeHooks.clear();
  }

  /** @internal deliver a heard frame to listeners (each gets its own copy). */
  deliver(frame: Uint8Array, info: HeardFrameInfo): void {
    if (this.closed) return;
    for (const l of [...this.frameListeners]) l(frame.slice(), info);
  }

  /** @internal */
  emitIdle(): void {
    for (const l of [...this.idleListeners]) l();
  }
}
