/**
 * The link engine of one station: reliable, resumable, erasure-coded transfers over a lossy,
 * half-duplex radio channel, for both directions at once. Sans-I/O: frames go out through the
 * injected `transmit` callback (one call per destination; calls made in the same turn form ONE
 * key-up), frames come in through {@link Link.receive}, and every wait is a timer on the injected
 * {@link Clock}, so tests and the simulator run it on virtual time.
 *
 * Protocol (docs/protocol.md §2 has the state machines):
 * - A *turn* is one key-up. In a turn the station sends the acks it owes (slot due), then — if it is
 *   not waiting for acks itself and no other station's ack slot is pending — one burst of the
 *   highest-priority outbound transfer: ANNOUNCE (until known; always for a group), then new shards
 *   for the blocks of its window, sized per block for the worst receiver's estimated loss, within
 *   the burst budget. The last frame of the turn carries EOB.
 * - A receiver answers a burst with ONE ack per transfer when it hears EOB (or after a quiet
 *   timer if EOB was lost), in its slot (unicast: at once; group: slot i = its position among the
 *   pending receivers, `ackSlotMs` apart). If it has data for the sender it appends its own burst
 *   to the ack's key-up, so a two-way exchange costs one turnaround per round, not two.
 * - The sender's round ends when every asked receiver answered or at the deadline (its own
 *   key-up's end + slots × ackSlotMs). With no ack at all it polls (ANNOUNCE + EOB, one frame) after
 *   an exponential back-off with jitter; after `maxRetries` silent rounds the transfer is parked
 *   (`failed` with RS_ERR_LINK_GAVE_UP, still queued) for `stalledRetryMs`, or until a receiver is
 *   heard again.
 * - Between bursts the next transfer is re-picked by priority, so a higher-priority transfer
 *   pre-empts a lower one at the next burst; expired transfers are dropped and reported.
 */
import type { Clock, Timer } from '../clock/Clock.js';
import { reedSolomonCodec } from '../fec/ReedSolomonCodec.js';
import type { ErasureCodec } from '../fec/ErasureCodec.js';
import { DEFAULT_MAX_DATA_SHARDS } from '../fec/blockPlan.js';
import { Prng } from '../util/prng.js';
import { noAckAuthenticator, type AckAuthenticator } from './AckAuthenticator.js';
import { MAX_GROUP_RECEIVERS, MAX_SHARD_BYTES, MAX_STATION_NAME_BYTES } from './announceFrame.js';
import { encodeCancelFrame, encodeHelloFrame, MAX_HELLO_BYTES } from './controlFrames.js';
import { decodeFrame, type LinkFrame } from './decodeFrame.js';
import { FrameType } from './frameHeader.js';
import { linkError } from './errors.js';
import { inboundCaps } from './linkOptions.js';
import { Receiver } from './Receiver.js';
import { Sender } from './Sender.js';
export { ACK_COPIES_ON_LOSS, MAX_COMPLETED_OWED, MAX_IGNORED_TRANSFERS } from './Receiver.js';
export * from './linkOptions.js';
import {
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_FRAME_BYTES,
  DEFAULT_GROUP_ADDRESS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_BURST_MS,
  DEFAULT_TNC_QUEUE_FRAMES,
  DEFAULT_MAX_RETRIES,
  DEFAULT_STALLED_RETRY_MS,
  MAX_BURST_FRAMES,
  type EnqueueOptions,
  type LinkOptions,
  type OutgoingBurst,
} from './linkOptions.js';
import { emptyLinkStats, type LinkEventMap, type LinkStats } from './linkEvents.js';
import { ackSlotMs, frameAirMs, keyUpMs, quietMs, type RadioTiming } from './linkTiming.js';
import { RADIO_DEFAULTS } from '../radio/radioDefaults.js';
import { MemoryTransferQueue } from './MemoryTransferQueue.js';
import { MAX_WINDOW_BLOCKS, type Frame, type TransferStats } from './OutboundTransfer.js';
import { bytesSource } from './PayloadSource.js';
import type { TransferQueue } from './TransferQueue.js';
import { publishLinkEvent } from './linkDiagnostics.js';

type Listener<K extends keyof LinkEventMap> = (e: LinkEventMap[K]) => void;

function badArg(message: string): never {
  throw linkError('RS_ERR_LINK_BAD_ARGUMENT', message);
}

function validStation(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_STATION_NAME_BYTES && /^[\x21-\x7e]+$/.test(name);
}

export class Link {
  readonly station: string;
  private readonly clock: Clock;
  private readonly transmit: (b: OutgoingBurst) => void;
  private readonly codec: ErasureCodec;
  readonly queue: TransferQueue;
  private readonly timing: RadioTiming;
  private readonly frameBytes: number;
  private readonly groupAddress: string;
  private readonly auth: AckAuthenticator;
  private readonly slotMs: number;
  private readonly quietMs: number;

  private readonly rx: Receiver;
  private readonly tx: Sender;
  private hello: { to: string; body: Uint8Array } | undefined;
  private hearing: { from: string; lastAt: number } | undefined;
  private txEndAt = 0;
  /** Our last key-up has been handed to `transmit` but not reported done (transmitDone or estimate). */
  private txPending = false;
  /** transmitDone() will be called after every key-up: trust it rather than the airtime estimate. */
  private txDoneWired: boolean;
  private heardSinceTx = false;
  private timer: { at: number; handle: Timer } | undefined;
  /** Feeds the rest of a key-up longer than the TNC's queue. */
  private feedTimer: Timer | undefined;
  private readonly tncQueueFrames: number;
  private closed = false;
  private readonly listeners: { [K in keyof LinkEventMap]?: Array<Listener<K>> } = {};
  private readonly counters: LinkStats = emptyLinkStats();

  constructor(opts: LinkOptions) {
    if (!validStation(opts.station)) badArg(`"station" must be 1–${MAX_STATION_NAME_BYTES} printable ASCII characters: ${opts.station}`);
    if (!(opts.bitrate > 0)) badArg(`"bitrate" must be a positive number: ${opts.bitrate}`);
    this.station = opts.station;
    this.clock = opts.clock;
    this.transmit = opts.transmit;
    this.codec = opts.codec ?? reedSolomonCodec();
    this.queue = opts.queue ?? new MemoryTransferQueue();
    this.timing = { bitrate: opts.bitrate, txDelayMs: opts.txDelayMs ?? RADIO_DEFAULTS.txDelayMs, txTailMs: opts.txTailMs ?? RADIO_DEFAULTS.txTailMs };
    this.frameBytes = opts.frameBytes ?? DEFAULT_FRAME_BYTES;
    if (!Number.isInteger(this.frameBytes) || this.frameBytes < 16 || this.frameBytes > MAX_SHARD_BYTES + 8) badArg(`"frameBytes" must be an integer in [16, ${MAX_SHARD_BYTES + 8}]: ${this.frameBytes}`);
    const maxK = opts.maxDataShards ?? DEFAULT_MAX_DATA_SHARDS;
    if (!Number.isInteger(maxK) || maxK < 1 || maxK > 128) badArg(`"maxDataShards" must be an integer in [1, 128]: ${maxK}`);
    const maxBurstMs = opts.maxBurstMs ?? DEFAULT_MAX_BURST_MS;
    const maxBurstFrames = opts.maxBurstFrames ?? MAX_BURST_FRAMES;
    if (!Number.isInteger(maxBurstFrames) || maxBurstFrames < 2) badArg(`"maxBurstFrames" must be an integer ≥ 2: ${maxBurstFrames}`);
    this.tncQueueFrames = opts.tncQueueFrames ?? DEFAULT_TNC_QUEUE_FRAMES;
    if (!Number.isInteger(this.tncQueueFrames) || this.tncQueueFrames < 2 || this.tncQueueFrames > MAX_BURST_FRAMES) badArg(`"tncQueueFrames" must be an integer in [2, ${MAX_BURST_FRAMES}]: ${this.tncQueueFrames}`);
    const perFrame = frameAirMs(this.frameBytes, opts.bitrate);
    this.groupAddress = opts.groupAddress ?? DEFAULT_GROUP_ADDRESS;
    this.txDoneWired = opts.txDoneSignal ?? false;
    this.auth = opts.authenticator ?? noAckAuthenticator;
    this.slotMs = ackSlotMs(this.timing);
    this.quietMs = quietMs(this.timing, this.frameBytes);
    this.rx = new Receiver({
      station: this.station,
      clock: this.clock,
      queue: this.queue,
      codec: this.codec,
      auth: this.auth,
      deliver: opts.deliver,
      slotMs: this.slotMs,
      counters: this.counters,
      caps: inboundCaps(opts),
      onReceived: (d) => {
        this.counters.received++;
        this.emit('received', d);
        this.wake(this.clock.now());
      },
    });
    this.tx = new Sender({
      station: this.station,
      clock: this.clock,
      queue: this.queue,
      codec: this.codec,
      auth: this.auth,
      rx: this.rx,
      rng: new Prng(opts.seed ?? opts.station),
      timing: this.timing,
      groupAddress: this.groupAddress,
      frameBytes: this.frameBytes,
      maxK,
      windowBlocks: Math.min(MAX_WINDOW_BLOCKS, Math.max(1, opts.windowBlocks ?? MAX_WINDOW_BLOCKS)),
      burstFrames: Math.max(2, Math.min(MAX_BURST_FRAMES, maxBurstFrames, Math.floor((maxBurstMs - this.timing.txDelayMs - this.timing.txTailMs) / perFrame))),
      slotMs: this.slotMs,
      maxRetries: opts.maxRetries ?? DEFAULT_MAX_RETRIES,
      backoffBaseMs: opts.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS,
      maxBackoffMs: opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
      stalledRetryMs: opts.stalledRetryMs ?? DEFAULT_STALLED_RETRY_MS,
      mayTransmit: opts.mayTransmit,
      counters: this.counters,
      emit: (event, e) => this.emit(event, e),
    });
    if (this.tx.hasWork) this.wake(this.clock.now());
  }

  // ------------------------------------------------------------------ public API

  on<K extends keyof LinkEventMap>(event: K, listener: Listener<K>): () => void {
    const list = (this.listeners[event] ??= []) as Array<Listener<K>>;
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  private emit<K extends keyof LinkEventMap>(event: K, e: LinkEventMap[K]): void {
    if (event !== 'hello') publishLinkEvent(this.station, event, e);
    for (const l of [...((this.listeners[event] ?? []) as Array<Listener<K>>)]) l(e);
  }

  /** Whether a transfer from `peer` is arriving (announced or partly received, not yet delivered). */
  receivingFrom(peer: string): boolean {
    return this.rx.receivingFrom(peer);
  }

  get stats(): LinkStats {
    return { ...this.counters };
  }

  /** Per-transfer counters of a queued outbound transfer (undefined once it left the queue). */
  transferStats(id: number): TransferStats | undefined {
    return this.tx.transferStats(id);
  }

  /** Outbound transfers still queued: id, destinations still pending, blocks acknowledged by all. */
  pendingOutbound(): Array<{ id: number; pending: string[]; blocksAcked: number; blockCount: number; priority: number }> {
    return this.tx.pendingOutbound();
  }

  /** Memory held for reception: partial transfers (unannounced among them), buffered shards, bytes held and reserved. */
  get bufferState(): Receiver['bufferState'] {
    return this.rx.bufferState;
  }

  /** Queue a payload for one station (unicast) or several (one group transmission). Returns its transfer id. */
  enqueue(opts: EnqueueOptions): number {
    if (this.closed) badArg('link is closed');
    const to = [...new Set(opts.to)];
    if (to.length === 0 || to.length > MAX_GROUP_RECEIVERS) badArg(`"to" must name 1–${MAX_GROUP_RECEIVERS} stations: ${to.length}`);
    for (const s of to) if (!validStation(s) || s === this.station) badArg(`"to" has an invalid station: ${s}`);
    const source = opts.payload instanceof Uint8Array ? bytesSource(opts.payload) : opts.payload;
    const id = this.tx.add(to, source, opts.priority ?? 0, opts.expiresAt ?? null);
    this.wake(this.clock.now());
    return id;
  }

  /**
   * Drop a queued transfer whose receivers no longer need it (they hold its data by another path,
   * e.g. online). One already on air is announced as cancelled (CANCEL, reason 2) at the next
   * key-up. Returns false when no transfer with this id is queued. The transfer emits no event.
   */
  cancel(transferId: number): boolean {
    return this.tx.cancel(transferId);
  }

  /** Tell the link its last key-up has ended (e.g. from SimRadio.onIdle); sharpens the ack deadline. */
  transmitDone(): void {
    const now = this.clock.now();
    this.txPending = false;
    this.txEndAt = Math.min(this.txEndAt, now);
    this.tx.transmitted(now);
    this.wake(now);
  }

  /** A frame heard on the channel: `to` is its AX.25 destination, `info` its info field. */
  receive(from: string, to: string, info: Uint8Array): void {
    if (this.closed) return;
    const r = decodeFrame(info);
    if (!r.ok) {
      if (!this.addressedHere(to)) return;
      this.heardFrom(from, info.length);
      this.counters.badFrames++;
      this.hearing = { from, lastAt: this.clock.now() };
      this.turn();
      return;
    }
    this.receiveFrame(from, to, r.frame, info.length);
  }

  /**
   * A radiosync frame already decoded by the caller (the sync layer decodes each frame once, to
   * sort out foreign and untrusted traffic): the link takes it as it is. `infoBytes` is the size of
   * the info field it came in, for the counters. Frames for other stations are counted and dropped.
   */
  receiveFrame(from: string, to: string, f: LinkFrame, infoBytes: number): void {
    if (this.closed || !this.addressedHere(to)) return;
    const now = this.clock.now();
    this.heardFrom(from, infoBytes);
    this.hearing = f.eob ? undefined : { from, lastAt: now };
    switch (f.type) {
      case FrameType.Data:
        this.rx.onData(from, f);
        break;
      case FrameType.Announce:
        this.rx.onAnnounce(from, f);
        break;
      case FrameType.Ack:
        this.tx.onAck(from, f);
        break;
      case FrameType.Cancel:
        this.rx.onCancel(from, f);
        break;
      case FrameType.Hello:
        this.emit('hello', { from, body: f.body });
        break;
    }
    if (f.eob) {
      this.rx.endOfTransmission(from);
      this.tx.peerKeyUpEnded(from, now);
    }
    this.turn();
  }

  /** Whether a frame to `to` is for this station (itself or its group address); counts those that are not. */
  private addressedHere(to: string): boolean {
    if (to === this.station || to === this.groupAddress) return true;
    this.counters.notForUs++;
    return false;
  }

  private heardFrom(from: string, infoBytes: number): void {
    this.counters.framesReceived++;
    this.counters.bytesReceived += infoBytes;
    this.heardSinceTx = true;
    this.tx.heard(from, this.clock.now());
  }

  /**
   * Send a HELLO (beacon) at the next turn — on its own key-up if nothing else is due. `body` is
   * opaque to the link (≤ MAX_HELLO_BYTES); listeners get it as the `hello` event.
   */
  beacon(body: Uint8Array, to: string = this.groupAddress): void {
    if (body.length > MAX_HELLO_BYTES) throw linkError('RS_ERR_LINK_TOO_LARGE', `HELLO body of ${body.length} bytes exceeds MAX_HELLO_BYTES (${MAX_HELLO_BYTES})`);
    if (!validStation(to)) badArg(`"to" is not a valid station: ${to}`);
    this.hello = { to, body: body.slice() };
    this.wake(this.clock.now());
  }

  close(): void {
    this.closed = true;
    this.timer?.handle.cancel();
    this.timer = undefined;
    this.feedTimer?.cancel();
    this.feedTimer = undefined;
  }

  /** Decide what (if anything) to put on air now, and when to look again. */
  private turn(): void {
    if (this.closed) return;
    const now = this.clock.now();
    if (this.hearing && now >= this.hearing.lastAt + this.quietMs) {
      const { from, lastAt } = this.hearing;
      this.hearing = undefined;
      this.rx.endOfTransmission(from, lastAt);
    }
    if (this.hearing) return this.schedule(now);
    if (now < this.txEndAt) return this.schedule(now);
    // With a "sent" signal, never add frames behind a key-up still waiting for the channel: its
    // EOB is already on the last frame, so what follows would go out after a false end of burst.
    if (this.txPending && this.txDoneWired) return this.schedule(now);
    this.txPending = false;
    this.tx.sweepExpired(now);
    this.tx.maybeFinishRound(now);

    const items: Array<{ to: string; frame: Frame; length: number }> = [];
    let acksOwedSent = 0;
    const due = this.rx.takeDueAcks(now);
    const laterAcks = due.later;
    for (const ack of due.acks) {
      // copies: identical but for EOB, which only the trailing copies of the key-up carry
      for (let i = 0; i < ack.copies; i++) items.push({ to: ack.to, frame: ack.frame, length: ack.frame(false).length });
      acksOwedSent++;
    }
    const acks = items.length;
    const planned = laterAcks ? undefined : this.tx.planBurst(now, acks, this.rx.slotsQuietUntil);
    for (const part of planned?.parts ?? []) part.burst.frames.forEach((frame, i) => items.push({ to: planned!.to, frame, length: part.burst.lengths[i]! }));
    let before = acks;
    if (this.hello) {
      const h = this.hello;
      this.hello = undefined;
      before++;
      items.unshift({ to: h.to, frame: (eob) => encodeHelloFrame({ eob, body: h.body }), length: 1 + h.body.length });
    }
    if (items.length > 0) {
      for (const c of this.tx.takeCancels()) {
        // one tag per receiver, in announce order (each checks its own)
        const sign = this.auth.enabled ? (b: Uint8Array) => c.receivers.map((r) => this.auth.sign(r, b)) : undefined;
        const frame: Frame = (eob) => encodeCancelFrame({ eob, transferId: c.id, reason: c.reason }, sign);
        items.splice(before, 0, { to: c.to, frame, length: frame(false).length });
      }
      this.send(items, now);
      this.counters.acksSent += acksOwedSent;
      if (planned) this.tx.sent(planned, this.txEndAt);
    }
    this.schedule(now);
  }

  private send(items: Array<{ to: string; frame: Frame; length: number }>, now: number): void {
    const lengths: number[] = [];
    const out: Array<{ to: string; bytes: Uint8Array }> = [];
    const last = items[items.length - 1]?.frame;
    items.forEach((item, i) => {
      // EOB on the last frame, and on the copies of it just before (a key-up ending in an ack sent
      // twice): losing the final copy must not leave the listener waiting for its quiet timer.
      const bytes = item.frame(i === items.length - 1 || (item.frame === last && items.slice(i).every((x) => x.frame === last)));
      lengths.push(bytes.length);
      out.push({ to: item.to, bytes });
    });
    const c = this.counters;
    c.keyUps++;
    if (this.heardSinceTx) c.turnarounds++;
    this.heardSinceTx = false;
    c.framesSent += lengths.length;
    for (const n of lengths) {
      c.bytesSent += n;
      c.bytesOnAirEstimate += (n + 20) * (1 + 1 / 62);
    }
    const air = keyUpMs(this.timing, lengths);
    c.airtimeMsEstimate += air;
    this.txEndAt = now + air;
    this.txPending = true;
    this.feed(out, 0, now);
  }

  /**
   * Hand frames `from`… of a key-up to the TNC, at most `tncQueueFrames` ahead of what the airtime
   * estimate says it has sent since `start`: a key-up longer than the TNC's queue is fed as the
   * queue drains (the next part when it is estimated half empty), so the TNC never discards and the
   * key-up stays one transmission. Consecutive frames to one destination go in one transmit call.
   */
  private feed(out: Array<{ to: string; bytes: Uint8Array }>, from: number, start: number): void {
    if (this.closed) return;
    const now = this.clock.now();
    // frames the TNC has sent by now, by the estimate (TXDELAY first, then each frame's airtime)
    let t = start + this.timing.txDelayMs;
    let sent = 0;
    while (sent < from && t + frameAirMs(out[sent]!.bytes.length, this.timing.bitrate) <= now) t += frameAirMs(out[sent++]!.bytes.length, this.timing.bitrate);
    const upTo = Math.min(out.length, sent + this.tncQueueFrames);
    let run: OutgoingBurst | undefined;
    for (let i = from; i < upTo; i++) {
      const f = out[i]!;
      if (!run || run.to !== f.to) {
        if (run) this.transmit(run);
        run = { to: f.to, frames: [], ...(i > 0 ? { continued: true } : {}) };
      }
      run.frames.push(f.bytes);
    }
    if (run) this.transmit(run);
    if (upTo >= out.length) return;
    // next part when the estimated queue is down to half: after frame (upTo − half) has gone out
    let at = start + this.timing.txDelayMs;
    const half = Math.max(1, Math.floor(this.tncQueueFrames / 2));
    for (let i = 0; i < upTo - half; i++) at += frameAirMs(out[i]!.bytes.length, this.timing.bitrate);
    this.feedTimer = this.clock.setTimer(Math.max(0, at - now), () => {
      this.feedTimer = undefined;
      this.feed(out, upTo, start);
    });
  }

  private schedule(now: number): void {
    let at = Infinity;
    const consider = (x: number) => {
      if (x > now && x < at) at = x;
    };
    if (this.hearing) consider(this.hearing.lastAt + this.quietMs);
    consider(this.txEndAt);
    const due = this.rx.nextDue();
    if (due !== undefined) consider(due);
    this.tx.wakeTimes(consider);
    if (this.tx.hasWork) consider(this.rx.slotsQuietUntil);
    // due-now work that could not run yet (e.g. owed acks waiting on a receipt) is re-checked by wake()
    if (at === Infinity) {
      this.timer?.handle.cancel();
      this.timer = undefined;
      return;
    }
    this.wakeAt(at);
  }

  private wakeAt(at: number): void {
    if (this.timer && this.timer.at === at) return;
    this.timer?.handle.cancel();
    const handle = this.clock.setTimer(at - this.clock.now(), () => {
      this.timer = undefined;
      this.turn();
    });
    this.timer = { at, handle };
  }

  /** Run a turn soon (on the clock, never re-entrantly from a caller's stack). */
  private wake(now: number): void {
    if (this.timer && this.timer.at <= now) return;
    this.wakeAt(now);
  }
}

