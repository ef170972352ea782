/**
 * The link engine of one station: reliable, resumable, erasure-coded transfers over a lossy,
 * half-duplex radio channel, for both directions at once. Sans-I/O: frames go out through the
 * injected `transmit` callback (one call per destination; calls made in the same turn form ONE
 * key-up), frames come in through {@link Link.receive}, and every wait is a timer on the injected
 * {@link Clock}, so tests and the simulator run it on virtual time.
 *
 * Protocol (docs/_fragments/link.md has the state machines):
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
import { DEFAULT_MAX_DATA_SHARDS, planBlocks } from '../fec/blockPlan.js';
import { Prng } from '../util/prng.js';
import type { AckFrame } from './ackFrame.js';
import { noAckAuthenticator, type AckAuthenticator } from './AckAuthenticator.js';
import { MAX_GROUP_RECEIVERS, MAX_SHARD_BYTES, MAX_STATION_NAME_BYTES, MAX_TRANSFER_BYTES } from './announceFrame.js';
import { CancelReason, encodeCancelFrame, encodeHelloFrame, MAX_HELLO_BYTES } from './controlFrames.js';
import { decodeFrame } from './decodeFrame.js';
import { dataHeaderLength, FrameType, linkError } from './frameHeader.js';
import { Receiver } from './Receiver.js';
export { ACK_COPIES_ON_LOSS, MAX_COMPLETED_OWED, MAX_IGNORED_TRANSFERS } from './Receiver.js';
export * from './linkOptions.js';
import {
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_FRAME_BYTES,
  DEFAULT_GROUP_ADDRESS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_BURST_MS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_STALLED_RETRY_MS,
  MAX_BURST_FRAMES,
  MAX_PENDING_CANCELS,
  MAX_PEER_ESTIMATES,
  type EnqueueOptions,
  type LinkOptions,
  type OutgoingBurst,
} from './linkOptions.js';
import { emptyLinkStats, type LinkEventMap, type LinkStats } from './linkEvents.js';
import { ackSlotMs, DEFAULT_TXDELAY_MS, DEFAULT_TXTAIL_MS, frameAirMs, keyUpMs, quietMs, SLOT_GUARD_MS, type RadioTiming } from './linkTiming.js';
import { LossEstimator } from './LossEstimator.js';
import { MemoryTransferQueue } from './MemoryTransferQueue.js';
import { MAX_WINDOW_BLOCKS, OutboundTransfer, type Burst, type Frame, type TransferStats } from './OutboundTransfer.js';
import { bytesSource } from './PayloadSource.js';
import { payloadHash } from './payloadHash.js';
import type { TransferQueue } from './TransferQueue.js';

interface Awaiting {
  t: OutboundTransfer;
  waiting: Set<string>;
  acked: Set<string>;
  /** An ack for an earlier burst arrived: the receiver is alive, so a silent round is not an outage. */
  heardOlder: boolean;
  slots: number;
  deadline: number;
}

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
  private readonly maxK: number;
  private readonly windowBlocks: number;
  private readonly burstFrames: number;
  private readonly groupAddress: string;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly stalledRetryMs: number;
  private readonly auth: AckAuthenticator;
  private readonly mayTransmit: ((to: string, now: number) => true | number) | undefined;
  private gateUntil = 0;
  private readonly rng: Prng;
  private readonly slotMs: number;
  private readonly quietMs: number;

  private readonly outbound = new Map<number, OutboundTransfer>();
  private readonly rx: Receiver;
  private readonly loss = new Map<string, LossEstimator>();
  private cancels: Array<{ to: string; id: number }> = [];
  private hello: { to: string; body: Uint8Array } | undefined;
  private awaiting: Awaiting | undefined;
  private hearing: { from: string; lastAt: number } | undefined;
  private txEndAt = 0;
  /** Our last key-up has been handed to `transmit` but not reported done (transmitDone or estimate). */
  private txPending = false;
  /** transmitDone() will be called after every key-up: trust it rather than the airtime estimate. */
  private txDoneWired: boolean;
  private heardSinceTx = false;
  private backoffUntil = 0;
  private yieldUntil = 0;
  private timer: { at: number; handle: Timer } | undefined;
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
    this.timing = { bitrate: opts.bitrate, txDelayMs: opts.txDelayMs ?? DEFAULT_TXDELAY_MS, txTailMs: opts.txTailMs ?? DEFAULT_TXTAIL_MS };
    this.frameBytes = opts.frameBytes ?? DEFAULT_FRAME_BYTES;
    if (!Number.isInteger(this.frameBytes) || this.frameBytes < 16 || this.frameBytes > MAX_SHARD_BYTES + 8) badArg(`"frameBytes" must be an integer in [16, ${MAX_SHARD_BYTES + 8}]: ${this.frameBytes}`);
    this.maxK = opts.maxDataShards ?? DEFAULT_MAX_DATA_SHARDS;
    if (!Number.isInteger(this.maxK) || this.maxK < 1 || this.maxK > 128) badArg(`"maxDataShards" must be an integer in [1, 128]: ${this.maxK}`);
    this.windowBlocks = Math.min(MAX_WINDOW_BLOCKS, Math.max(1, opts.windowBlocks ?? MAX_WINDOW_BLOCKS));
    const maxBurstMs = opts.maxBurstMs ?? DEFAULT_MAX_BURST_MS;
    const perFrame = frameAirMs(this.frameBytes, opts.bitrate);
    this.burstFrames = Math.max(2, Math.min(MAX_BURST_FRAMES, Math.floor((maxBurstMs - this.timing.txDelayMs - this.timing.txTailMs) / perFrame)));
    this.groupAddress = opts.groupAddress ?? DEFAULT_GROUP_ADDRESS;
    this.maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.backoffBaseMs = opts.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.maxBackoffMs = opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    this.stalledRetryMs = opts.stalledRetryMs ?? DEFAULT_STALLED_RETRY_MS;
    this.txDoneWired = opts.txDoneSignal ?? false;
    this.mayTransmit = opts.mayTransmit;
    this.auth = opts.authenticator ?? noAckAuthenticator;
    this.rng = new Prng(opts.seed ?? opts.station);
    this.slotMs = ackSlotMs(this.timing);
    this.quietMs = quietMs(this.timing, this.frameBytes);

    // Resume whatever the queue holds (after a restart).
    for (const rec of this.queue.listOutbound()) {
      this.outbound.set(rec.id, new OutboundTransfer(rec, this.queue.outboundPayload(rec.id), this.codec, this.windowBlocks));
    }
    this.rx = new Receiver({
      station: this.station,
      clock: this.clock,
      queue: this.queue,
      codec: this.codec,
      auth: this.auth,
      deliver: opts.deliver,
      slotMs: this.slotMs,
      counters: this.counters,
      onReceived: (d) => {
        this.counters.received++;
        this.emit('received', d);
        this.wake(this.clock.now());
      },
    });
    if (this.outbound.size > 0) this.wake(this.clock.now());
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
    for (const l of [...((this.listeners[event] ?? []) as Array<Listener<K>>)]) l(e);
  }

  get stats(): LinkStats {
    return { ...this.counters };
  }

  /** Per-transfer counters of a queued outbound transfer (undefined once it left the queue). */
  transferStats(id: number): TransferStats | undefined {
    const t = this.outbound.get(id);
    return t ? { ...t.stats } : undefined;
  }

  /** Outbound transfers still queued: id, destinations still pending, blocks acknowledged by all. */
  pendingOutbound(): Array<{ id: number; pending: string[]; blocksAcked: number; blockCount: number; priority: number }> {
    return [...this.outbound.values()].map((t) => ({
      id: t.rec.id,
      pending: t.pending().map((r) => r.progress.station),
      blocksAcked: t.blocksCompleteForAll(),
      blockCount: t.plan.blockCount,
      priority: t.rec.priority,
    }));
  }

  /** Memory held for reception: partial transfers and buffered shards (for growth checks). */
  get bufferState(): { inbound: number; shards: number; owed: number; completedOwed: number; ignored: number } {
    return this.rx.bufferState;
  }

  /** Queue a payload for one station (unicast) or several (one group transmission). Returns its transfer id. */
  enqueue(opts: EnqueueOptions): number {
    if (this.closed) badArg('link is closed');
    const to = [...new Set(opts.to)];
    if (to.length === 0 || to.length > MAX_GROUP_RECEIVERS) badArg(`"to" must name 1–${MAX_GROUP_RECEIVERS} stations: ${to.length}`);
    for (const s of to) if (!validStation(s) || s === this.station) badArg(`"to" has an invalid station: ${s}`);
    const source = opts.payload instanceof Uint8Array ? bytesSource(opts.payload) : opts.payload;
    if (source.size > MAX_TRANSFER_BYTES) throw linkError('RS_ERR_LINK_TOO_LARGE', `payload of ${source.size} bytes exceeds MAX_TRANSFER_BYTES (${MAX_TRANSFER_BYTES})`, { size: source.size });
    let shardSize = this.frameBytes - dataHeaderLength(0);
    let plan = planBlocks(source.size, shardSize, this.maxK);
    for (let i = 0; i < 3; i++) {
      const s = this.frameBytes - dataHeaderLength(Math.max(0, plan.blockCount - 1));
      if (s === shardSize) break;
      shardSize = s;
      plan = planBlocks(source.size, shardSize, this.maxK);
    }
    const rec = this.queue.addOutbound(
      { to, priority: opts.priority ?? 0, expiresAt: opts.expiresAt ?? null, createdAt: this.clock.now(), size: source.size, shardSize, k: plan.k, hash: payloadHash(source) },
      source,
    );
    this.outbound.set(rec.id, new OutboundTransfer(rec, this.queue.outboundPayload(rec.id), this.codec, this.windowBlocks));
    this.wake(this.clock.now());
    return rec.id;
  }

  /** Tell the link its last key-up has ended (e.g. from SimRadio.onIdle); sharpens the ack deadline. */
  transmitDone(): void {
    const now = this.clock.now();
    this.onAir();
    this.txEndAt = Math.min(this.txEndAt, now);
    if (this.awaiting) this.awaiting.deadline = now + this.awaiting.slots * this.slotMs + SLOT_GUARD_MS;
    this.wake(now);
  }

  /** A frame heard on the channel: `to` is its AX.25 destination, `info` its info field. */
  receive(from: string, to: string, info: Uint8Array): void {
    if (this.closed) return;
    if (to !== this.station && to !== this.groupAddress) {
      this.counters.notForUs++;
      return;
    }
    const now = this.clock.now();
    this.counters.framesReceived++;
    this.counters.bytesReceived += info.length;
    this.heardSinceTx = true;
    for (const t of this.outbound.values()) if (t.stalledUntil > now && t.rec.to.includes(from)) t.stalledUntil = 0;
    const r = decodeFrame(info);
    if (!r.ok) {
      this.counters.badFrames++;
      this.hearing = { from, lastAt: now };
      this.turn();
      return;
    }
    const f = r.frame;
    this.hearing = f.eob ? undefined : { from, lastAt: now };
    switch (f.type) {
      case FrameType.Data:
        this.rx.onData(from, f);
        break;
      case FrameType.Announce:
        this.rx.onAnnounce(from, f);
        break;
      case FrameType.Ack:
        this.onAck(from, f);
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
      // A receiver we wait for ended a key-up of its own without answering us (it was sending when
      // our burst ended): give it a slot after this key-up before calling the round silent.
      const a = this.awaiting;
      if (a && a.waiting.has(from)) a.deadline = Math.max(a.deadline, now + a.slots * this.slotMs + SLOT_GUARD_MS);
    }
    this.turn();
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
  }

  // ------------------------------------------------------------------ sending

  private lossOf(station: string): LossEstimator {
    let l = this.loss.get(station);
    if (!l) {
      l = new LossEstimator();
      if (this.loss.size >= MAX_PEER_ESTIMATES) this.loss.delete(this.loss.keys().next().value!);
      this.loss.set(station, l);
    }
    return l;
  }

  private onAck(from: string, ack: AckFrame): void {
    this.counters.acksReceived++;
    const t = this.outbound.get(ack.transferId);
    if (!t) return;
    if (this.auth.enabled && (!ack.tag || !ack.signed || !this.auth.verify(from, ack.signed, ack.tag))) {
      this.counters.authFailures++;
      return;
    }
    const r = t.receivers.get(from);
    if (!r) return;
    const { result, covered, sent } = t.onAck(from, ack);
    if (result === 'ignored') return;
    this.lossOf(from).observe(sent, ack.heard);
    const a = this.awaiting;
    // only an ack that has seen our latest burst answers the current round (an older one may have
    // waited in the receiver's TNC while that burst was on air)
    if (a && a.t === t) {
      if (t.isCurrent(covered) || result !== 'progress') {
        if (a.acked.size === 0) t.stats.turnarounds++;
        a.acked.add(from);
        a.waiting.delete(from);
      } else a.heardOlder = true;
    }
    this.queue.updateReceiver(t.rec.id, r.progress);
    if (result === 'done') {
      this.counters.delivered++;
      this.emit('delivered', { transferId: t.rec.id, to: from, ...(r.progress.receipt ? { receipt: r.progress.receipt } : {}), stats: { ...t.stats } });
    } else if (result === 'rejected') {
      this.emit('failed', { transferId: t.rec.id, to: from, error: linkError('RS_ERR_LINK_REJECTED', `${from} refused transfer ${t.rec.id}`), queued: false });
    } else if (result === 'mismatch') {
      const dropped = r.rejected;
      const msg = dropped ? 'again; giving up on this receiver' : 'resending';
      this.emit('failed', { transferId: t.rec.id, to: from, error: linkError('RS_ERR_LINK_HASH_MISMATCH', `${from} reassembled transfer ${t.rec.id} with a wrong hash; ${msg}`), queued: !dropped });
    }
    if (t.finished) this.retire(t);
  }

  private retire(t: OutboundTransfer): void {
    this.outbound.delete(t.rec.id);
    this.queue.removeOutbound(t.rec.id);
    if (this.awaiting?.t === t) this.awaiting = undefined;
  }

  private sweepExpired(now: number): void {
    for (const t of [...this.outbound.values()]) {
      if (t.rec.expiresAt === null || now < t.rec.expiresAt) continue;
      const undelivered = t.pending().map((r) => r.progress.station);
      this.retire(t);
      this.counters.expired++;
      if (t.nextShard.size > 0) {
        this.cancels.push({ to: t.group ? this.groupAddress : t.rec.to[0]!, id: t.rec.id });
        if (this.cancels.length > MAX_PENDING_CANCELS) this.cancels.shift();
      }
      this.emit('expired', { transferId: t.rec.id, undelivered });
      this.emit('failed', { transferId: t.rec.id, error: linkError('RS_ERR_LINK_EXPIRED', `transfer ${t.rec.id} expired`, { undelivered }), queued: false });
    }
  }

  private finishRound(now: number): void {
    const a = this.awaiting!;
    this.awaiting = undefined;
    const t = a.t;
    for (const s of a.waiting) {
      const r = t.receivers.get(s);
      if (r) r.misses++;
    }
    if (a.acked.size > 0) {
      t.retries = 0;
      return;
    }
    t.needPoll = true;
    if (a.heardOlder) return; // alive but its answer to this burst is missing: ask at once, no back-off
    t.retries++;
    if (t.retries > this.maxRetries) {
      t.retries = 0;
      t.stalledUntil = now + this.stalledRetryMs;
      this.counters.gaveUp++;
      this.emit('failed', { transferId: t.rec.id, error: linkError('RS_ERR_LINK_GAVE_UP', `no ack for transfer ${t.rec.id} after ${this.maxRetries} retries; parked`), queued: true });
    } else if (t.retries > 1) {
      // the first silent round is most likely one lost ack: poll at once; back off from the second
      const backoff = Math.min(this.maxBackoffMs, this.backoffBaseMs * 2 ** (t.retries - 2));
      this.backoffUntil = now + backoff + this.rng.next() * this.slotMs;
    }
  }

  private pick(now: number): OutboundTransfer | undefined {
    let best: OutboundTransfer | undefined;
    for (const t of this.outbound.values()) {
      if (t.finished || t.stalledUntil > now) continue;
      if (!best || t.rec.priority > best.rec.priority || (t.rec.priority === best.rec.priority && (t.rec.createdAt < best.rec.createdAt || (t.rec.createdAt === best.rec.createdAt && t.rec.id < best.rec.id)))) best = t;
    }
    return best;
  }

  /**
   * Two stations with data for each other fall into lockstep (both send data, then both send bare
   * acks) unless one lets the other lead. The station whose name sorts later yields: right after
   * the peer's key-up, if that peer is also sending to us, it waits up to one ack slot for the
   * peer's data burst, to answer it with ack + its own burst in one key-up.
   */
  private shouldYield(t: OutboundTransfer, now: number): boolean {
    if (t.group) return false;
    const peer = t.rec.to[0]!;
    if (!(this.station > peer)) return false;
    const eob = this.rx.lastEobAt.get(peer);
    // long enough for the peer's access, TXDELAY and first frame to reach us
    const window = this.slotMs + frameAirMs(this.frameBytes, this.timing.bitrate);
    if (eob === undefined || now >= eob + window) return false;
    if (!this.rx.receivingFrom(peer)) return false;
    this.yieldUntil = eob + window;
    return true;
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
    if (!this.txDoneWired) this.onAir();
    this.sweepExpired(now);
    if (this.awaiting && (this.awaiting.waiting.size === 0 || now >= this.awaiting.deadline)) this.finishRound(now);

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
    let burst: Burst | undefined;
    let t: OutboundTransfer | undefined;
    if (!this.awaiting && !laterAcks && now >= this.rx.slotsQuietUntil && now >= this.backoffUntil) {
      t = this.pick(now);
      if (t && acks === 0 && this.shouldYield(t, now)) t = undefined;
      if (t && this.mayTransmit) {
        const ok = this.mayTransmit(t.group ? this.groupAddress : t.rec.to[0]!, now);
        if (ok !== true) {
          this.gateUntil = Math.max(now + 1, ok);
          t = undefined;
        }
      }
      if (t) {
        burst = t.buildBurst(this.burstFrames - items.length, (s) => this.lossOf(s).estimate);
        const to = t.group ? this.groupAddress : t.rec.to[0]!;
        burst.frames.forEach((frame, i) => items.push({ to, frame, length: burst!.lengths[i]! }));
      }
    }
    let before = acks;
    if (this.hello) {
      const h = this.hello;
      this.hello = undefined;
      before++;
      items.unshift({ to: h.to, frame: (eob) => encodeHelloFrame({ eob, body: h.body }), length: 1 + h.body.length });
    }
    if (items.length > 0) {
      for (const c of this.cancels.splice(0)) {
        const frame: Frame = (eob) => encodeCancelFrame({ eob, transferId: c.id, reason: CancelReason.Expired });
        items.splice(before, 0, { to: c.to, frame, length: 4 });
      }
      this.send(items, now);
      this.counters.acksSent += acksOwedSent;
      if (t && burst) {
        if (t.stats.bursts > 0) t.stats.turnarounds++;
        t.sent(burst);
        if (burst.poll) this.counters.pollsSent++;
        else this.counters.dataFramesSent += burst.dataFrames;
        this.queue.saveNextShard(t.rec.id, t.nextShard);
        const slots = Math.max(1, burst.slots.length);
        this.awaiting = { t, waiting: new Set(burst.slots), acked: new Set(), heardOlder: false, slots, deadline: this.txEndAt + slots * this.slotMs + SLOT_GUARD_MS };
      }
    }
    this.schedule(now);
  }

  private send(items: Array<{ to: string; frame: Frame; length: number }>, now: number): void {
    const lengths: number[] = [];
    let run: OutgoingBurst | undefined;
    const runs: OutgoingBurst[] = [];
    const last = items[items.length - 1]?.frame;
    items.forEach((item, i) => {
      // EOB on the last frame, and on the copies of it just before (a key-up ending in an ack sent
      // twice): losing the final copy must not leave the listener waiting for its quiet timer.
      const bytes = item.frame(i === items.length - 1 || (item.frame === last && items.slice(i).every((x) => x.frame === last)));
      lengths.push(bytes.length);
      if (!run || run.to !== item.to) {
        run = { to: item.to, frames: [] };
        runs.push(run);
      }
      run.frames.push(bytes);
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
    for (const r of runs) this.transmit(r);
  }

  private onAir(): void {
    if (!this.txPending) return;
    this.txPending = false;
    this.awaiting?.t.onAir();
  }

  private schedule(now: number): void {
    let at = Infinity;
    const consider = (x: number) => {
      if (x > now && x < at) at = x;
    };
    if (this.hearing) consider(this.hearing.lastAt + this.quietMs);
    consider(this.txEndAt);
    if (this.awaiting) consider(this.awaiting.deadline);
    const due = this.rx.nextDue();
    if (due !== undefined) consider(due);
    const work = this.outbound.size > 0;
    if (work) {
      consider(this.gateUntil);
      consider(this.yieldUntil);
      consider(this.backoffUntil);
      consider(this.rx.slotsQuietUntil);
      for (const t of this.outbound.values()) {
        consider(t.stalledUntil);
        if (t.rec.expiresAt !== null) consider(t.rec.expiresAt);
      }
    }
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

