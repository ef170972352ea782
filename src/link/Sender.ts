/**
 * The sending half of a {@link Link}: the outbound transfers, per-peer loss estimates, the round
 * in progress (which receivers must still answer, by when), back-off, parking, expiry and the
 * choice of the next burst. The Link decides *when* a turn happens; the Sender decides what data
 * goes into it and what an ack means.
 */
import type { Clock } from '../clock/Clock.js';
import type { ErasureCodec } from '../fec/ErasureCodec.js';
import { planBlocks } from '../fec/blockPlan.js';
import type { Prng } from '../util/prng.js';
import type { AckFrame } from './ackFrame.js';
import { ackTagInput, type AckAuthenticator } from './AckAuthenticator.js';
import { MAX_TRANSFER_BYTES } from './announceFrame.js';
import { dataHeaderLength } from './frameHeader.js';
import { CancelReason } from './controlFrames.js';
import { linkError } from './errors.js';
import type { LinkEventMap, LinkStats } from './linkEvents.js';
import { frameAirMs, SLOT_GUARD_MS, type RadioTiming } from './linkTiming.js';
import { MAX_PEER_ESTIMATES, MAX_PENDING_CANCELS, type MayTransmit } from './linkOptions.js';
import { DEFAULT_MAX_PARTIAL_PER_SENDER } from './inboundLimits.js';
import { LossEstimator } from './LossEstimator.js';
import { AckDelayEstimator } from './AckDelayEstimator.js';
import { OutboundTransfer, type Burst, type TransferStats } from './OutboundTransfer.js';
import type { PayloadSource } from './PayloadSource.js';
import { payloadHash } from './payloadHash.js';
import type { Receiver } from './Receiver.js';
import type { TransferQueue } from './TransferQueue.js';
import { publishBurst } from './linkDiagnostics.js';

/** When a transmit allowance is too small for one frame, ask the gate again after 1 s. */
const GATE_RETRY_MS = 1000;

export interface SenderContext {
  station: string;
  clock: Clock;
  queue: TransferQueue;
  codec: ErasureCodec;
  auth: AckAuthenticator;
  rx: Receiver;
  rng: Prng;
  timing: RadioTiming;
  groupAddress: string;
  frameBytes: number;
  maxK: number;
  windowBlocks: number;
  /** Most frames in one key-up. */
  burstFrames: number;
  slotMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
  stalledRetryMs: number;
  mayTransmit: MayTransmit | undefined;
  counters: LinkStats;
  emit<K extends keyof LinkEventMap>(event: K, e: LinkEventMap[K]): void;
}

/** One transfer's part of the round in progress. */
interface RoundPart {
  t: OutboundTransfer;
  waiting: Set<string>;
  acked: Set<string>;
  /** An ack for an earlier burst arrived: the receiver is alive, so a silent round is not an outage. */
  heardOlder: boolean;
}

interface Awaiting {
  parts: RoundPart[];
  slots: number;
  deadline: number;
  /** Our estimate of when the key-up that opened the round ends. */
  txEndAt: number;
  /** The deadline was pushed back once already for an ack that named an older burst. */
  extended: boolean;
}

/**
 * Most consecutive rounds answered only by acks for older bursts that are followed at once, without
 * back-off, by the next burst (data if the older answer said what is needed, else a poll): 2. An
 * answer for an older burst means the receiver is alive and ours is probably still on its way, so
 * going on at once is right — but a stream of replayed old acks must not keep us transmitting
 * without back-off.
 */
export const MAX_IMMEDIATE_POLLS = 2;
/**
 * Longest back-off while the receivers are known to be alive (each answered one of our rounds in
 * the last ALIVE_MS), or while only the final ack is missing (every block acknowledged): 2 s. A
 * silent round then means channel loss, not absence, and a receiver that has everything lingers
 * only DEFAULT_LINGER_MS (src/sync/sessions.ts) after the last frame it heard from us.
 */
export const FINAL_ACK_BACKOFF_MS = 2_000;
/**
 * A receiver that answered one of our rounds (an ack for our latest burst) this recently is alive:
 * 60 s. Silent rounds then back off at most FINAL_ACK_BACKOFF_MS, and do not park the transfer
 * (after `maxRetries`) until the receiver has been silent this long. Acks for older bursts do not
 * count, so replayed acks cannot keep a sender polling fast.
 */
export const ALIVE_MS = 60_000;

export interface PlannedBurst {
  /** The transfers in this key-up: the picked one first, then smaller ones to the same station. */
  parts: Array<{ t: OutboundTransfer; burst: Burst }>;
  to: string;
}

/** Fewest burst frames left over for another transfer to the same station to join a key-up: 2. */
export const MIN_FRAMES_TO_JOIN = 2;
/**
 * Most transfers in one key-up: 8, twice the receiver's default per-sender cap on partial transfers
 * (DEFAULT_MAX_PARTIAL_PER_SENDER = 4). Small ones complete within the key-up and free their slot;
 * many more unfinished ones would push each other out of the receiver's memory.
 */
export const MAX_JOINED_TRANSFERS = 2 * DEFAULT_MAX_PARTIAL_PER_SENDER;

/** The estimate kept for `station`, made on first use; at most MAX_PEER_ESTIMATES peers (oldest dropped). */
function perPeer<T>(map: Map<string, T>, station: string, make: () => T): T {
  let v = map.get(station);
  if (v === undefined) {
    v = make();
    setPerPeer(map, station, v);
  }
  return v;
}

/** Set `station`'s value; at most MAX_PEER_ESTIMATES peers (oldest dropped). */
function setPerPeer<T>(map: Map<string, T>, station: string, v: T): void {
  if (!map.has(station) && map.size >= MAX_PEER_ESTIMATES) map.delete(map.keys().next().value!);
  map.set(station, v);
}

type CancelReasonCode = (typeof CancelReason)[keyof typeof CancelReason];

export class Sender {
  private readonly outbound = new Map<number, OutboundTransfer>();
  private readonly loss = new Map<string, LossEstimator>();
  private readonly ackDelay = new Map<string, AckDelayEstimator>();
  /** When each receiver last answered one of our rounds (ALIVE_MS). */
  private readonly answeredAt = new Map<string, number>();
  private cancels: Array<{ to: string; id: number; receivers: string[]; reason: CancelReasonCode }> = [];
  private awaiting: Awaiting | undefined;
  private backoffUntil = 0;
  private yieldUntil = 0;
  private gateUntil = 0;

  constructor(private readonly ctx: SenderContext) {
    // Resume whatever the queue holds (after a restart).
    // A transfer whose receivers are all done (a kill -9 between its last receiver's final ack and
    // its removal) is retired here: no ack will ever come for it.
    for (const rec of ctx.queue.listOutbound()) {
      const t = new OutboundTransfer(rec, ctx.queue.outboundPayload(rec.id), ctx.codec, ctx.windowBlocks, ctx.auth, ctx.rng.int(0x10000));
      if (t.finished) {
        ctx.queue.removeOutbound(rec.id);
        ctx.counters.retiredOnLoad++;
      } else this.outbound.set(rec.id, t);
    }
  }

  get hasWork(): boolean {
    return this.outbound.size > 0;
  }

  /** Waiting for the acks of a burst we sent. */
  get isAwaiting(): boolean {
    return this.awaiting !== undefined;
  }

  transferStats(id: number): TransferStats | undefined {
    const t = this.outbound.get(id);
    return t ? { ...t.stats } : undefined;
  }

  pendingOutbound(): Array<{ id: number; pending: string[]; blocksAcked: number; blockCount: number; priority: number }> {
    return [...this.outbound.values()].map((t) => ({
      id: t.rec.id,
      pending: t.pending().map((r) => r.progress.station),
      blocksAcked: t.blocksCompleteForAll(),
      blockCount: t.plan.blockCount,
      priority: t.rec.priority,
    }));
  }

  /** Plan and store a new transfer (validated by the Link). */
  add(to: string[], source: PayloadSource, priority: number, expiresAt: number | null): number {
    const { frameBytes, maxK } = this.ctx;
    if (source.size > MAX_TRANSFER_BYTES) throw linkError('RS_ERR_LINK_TOO_LARGE', `payload of ${source.size} bytes exceeds MAX_TRANSFER_BYTES (${MAX_TRANSFER_BYTES})`, { size: source.size });
    // the shard size must leave room for the DATA header of the highest block index
    let shardSize = frameBytes - dataHeaderLength(0);
    let plan = planBlocks(source.size, shardSize, maxK);
    for (let i = 0; i < 3; i++) {
      const s = frameBytes - dataHeaderLength(Math.max(0, plan.blockCount - 1));
      if (s === shardSize) break;
      shardSize = s;
      plan = planBlocks(source.size, shardSize, maxK);
    }
    // balanced shards: the same count, no more padding than one byte each (a 284-byte payload is two
    // 142-byte shards, not two of 249 with 214 bytes of zeros on air in the second and every parity)
    const balanced = Math.max(1, Math.ceil(source.size / plan.totalShards));
    if (balanced < shardSize) {
      shardSize = balanced;
      plan = planBlocks(source.size, shardSize, maxK);
    }
    const rec = this.ctx.queue.addOutbound({ to, priority, expiresAt, createdAt: this.ctx.clock.now(), size: source.size, shardSize, k: plan.k, hash: payloadHash(source) }, source);
    this.outbound.set(rec.id, new OutboundTransfer(rec, this.ctx.queue.outboundPayload(rec.id), this.ctx.codec, this.ctx.windowBlocks, this.ctx.auth, this.ctx.rng.int(0x10000)));
    return rec.id;
  }

  private lossOf(station: string): LossEstimator {
    return perPeer(this.loss, station, () => new LossEstimator());
  }

  /** Any frame from `from`: a parked transfer to it may try again. */
  heard(from: string, now: number): void {
    for (const t of this.outbound.values()) if (t.stalledUntil > now && t.rec.to.includes(from)) t.stalledUntil = 0;
  }

  private delayOf(station: string): AckDelayEstimator {
    return perPeer(this.ackDelay, station, () => new AckDelayEstimator());
  }

  /**
   * How long after the estimated end of our key-up we wait for the answers: the receivers' ack
   * slots, plus what the answers have been seen to lag behind our estimate (a TNC that keys up
   * later than we assume, a slower TXDELAY, a busy channel), learned from earlier answers.
   */
  private ackWait(receivers: Iterable<string>, slots: number): number {
    let lag = 0;
    for (const r of receivers) lag = Math.max(lag, this.delayOf(r).allowance);
    return slots * this.ctx.slotMs + SLOT_GUARD_MS + lag;
  }

  /** `from` ended a key-up of its own without answering us: give it a slot after it before calling the round silent. */
  peerKeyUpEnded(from: string, now: number): void {
    const a = this.awaiting;
    if (a && a.parts.some((p) => p.waiting.has(from))) a.deadline = Math.max(a.deadline, now + a.slots * this.ctx.slotMs + SLOT_GUARD_MS);
  }

  /** Our key-up ended at `now` (a transmit-done signal, where the TNC gives one). */
  transmitted(now: number): void {
    const a = this.awaiting;
    if (!a) return;
    a.txEndAt = now;
    a.deadline = now + a.slots * this.ctx.slotMs + SLOT_GUARD_MS;
  }

  private partOf(t: OutboundTransfer): RoundPart | undefined {
    return this.awaiting?.parts.find((p) => p.t === t);
  }

  onAck(from: string, ack: AckFrame): void {
    const { counters, auth, emit, queue } = this.ctx;
    counters.acksReceived++;
    const t = this.outbound.get(ack.transferId);
    if (!t) return;
    if (auth.enabled && (!ack.tag || !ack.signed || !auth.verify(from, ackTagInput(ack.signed, ack.known ? t.rec.hash : undefined), ack.tag))) {
      counters.authFailures++;
      return;
    }
    const r = t.receivers.get(from);
    if (!r) return;
    const { result, covered, sent, heardAtLeast } = t.onAck(from, ack);
    if (result === 'ignored') return;
    if (result === 'unsent') {
      // names a burst we never sent: forged, replayed, or from before a restart; changes nothing
      counters.acksUnsentBurst++;
      return;
    }
    if (result === 'stale') {
      counters.acksStale++;
      return;
    }
    // the ack's counter, or what its needs prove it heard, whichever is more (a lost ack in between
    // resets the counter: without the needs, one lost ack read as 90 % loss and doubled the next burst)
    this.lossOf(from).observe(sent, Math.max(ack.heard, heardAtLeast));
    // learn how late answers come against our estimate, from the first answer to each unicast burst
    // (late ones included: an answer after the deadline is the best sample of all)
    if (!t.group && covered >= 0) {
      const end = t.firstAnswer(from, covered);
      if (end !== undefined) this.delayOf(from).observe(this.ctx.clock.now() - end - this.ctx.slotMs);
    }
    const a = this.partOf(t);
    // only an ack naming our latest burst answers the current round; one naming an older burst
    // (it waited in the receiver's TNC while ours was on air, or came twice) is information only
    if (a) {
      const round = this.awaiting!;
      if (t.isCurrent(covered) || result !== 'progress') {
        if (a.acked.size === 0) t.stats.turnarounds++;
        // learn how late answers come against our estimate (unicast rounds: one slot, no ordering)
        if (a.waiting.has(from) && round.slots === 1) this.delayOf(from).observe(this.ctx.clock.now() - round.txEndAt - this.ctx.slotMs);
        a.acked.add(from);
        a.waiting.delete(from);
        setPerPeer(this.answeredAt, from, this.ctx.clock.now());
      } else {
        a.heardOlder = true;
        counters.acksOlder++;
        // the receiver is alive and its answer to the latest burst is probably behind ours: wait
        // one more ack slot for it, once per round
        if (!round.extended) {
          round.extended = true;
          round.deadline = Math.max(round.deadline, this.ctx.clock.now() + round.slots * this.ctx.slotMs + SLOT_GUARD_MS);
        }
      }
    }
    queue.updateReceiver(t.rec.id, r.progress);
    if (result === 'done') {
      counters.delivered++;
      emit('delivered', { transferId: t.rec.id, to: from, ...(r.progress.receipt ? { receipt: r.progress.receipt } : {}), stats: { ...t.stats } });
    } else if (result === 'rejected') {
      emit('failed', { transferId: t.rec.id, to: from, error: linkError('RS_ERR_LINK_REJECTED', `${from} refused transfer ${t.rec.id}`), queued: false });
    } else if (result === 'mismatch') {
      const dropped = r.rejected;
      const msg = dropped ? 'again; giving up on this receiver' : 'resending';
      emit('failed', { transferId: t.rec.id, to: from, error: linkError('RS_ERR_LINK_HASH_MISMATCH', `${from} reassembled transfer ${t.rec.id} with a wrong hash; ${msg}`), queued: !dropped });
    }
    if (t.finished) this.retire(t);
  }

  private retire(t: OutboundTransfer): void {
    this.outbound.delete(t.rec.id);
    this.ctx.queue.removeOutbound(t.rec.id);
    const a = this.awaiting;
    if (a) {
      a.parts = a.parts.filter((p) => p.t !== t);
      if (a.parts.length === 0) this.awaiting = undefined;
    }
  }

  /** Drop and report expired transfers; CANCELs for those already started wait for the next key-up. */
  sweepExpired(now: number): void {
    for (const t of [...this.outbound.values()]) {
      if (t.rec.expiresAt === null || now < t.rec.expiresAt) continue;
      const undelivered = t.pending().map((r) => r.progress.station);
      this.retire(t);
      this.ctx.counters.expired++;
      if (t.started) this.pushCancel(t, CancelReason.Expired);
      this.ctx.emit('expired', { transferId: t.rec.id, undelivered });
      this.ctx.emit('failed', { transferId: t.rec.id, error: linkError('RS_ERR_LINK_EXPIRED', `transfer ${t.rec.id} expired`, { undelivered }), queued: false });
    }
  }

  /**
   * Drop a transfer the caller no longer needs (its receivers hold the data by another path). A
   * transfer already on air gets a CANCEL (reason 2) at the next key-up, so its receivers free
   * its state. False when no such transfer is queued.
   */
  cancel(id: number): boolean {
    const t = this.outbound.get(id);
    if (t === undefined) return false;
    this.retire(t);
    if (t.started) this.pushCancel(t, CancelReason.Cancelled);
    return true;
  }

  private pushCancel(t: OutboundTransfer, reason: CancelReasonCode): void {
    this.cancels.push({ to: t.group ? this.ctx.groupAddress : t.rec.to[0]!, id: t.rec.id, receivers: [...t.rec.to], reason });
    if (this.cancels.length > MAX_PENDING_CANCELS) this.cancels.shift();
  }

  takeCancels(): Array<{ to: string; id: number; receivers: string[]; reason: CancelReasonCode }> {
    return this.cancels.splice(0);
  }

  /** End the round if every asked receiver answered or its deadline passed. */
  maybeFinishRound(now: number): void {
    const a = this.awaiting;
    if (!a || (a.parts.some((p) => p.waiting.size > 0) && now < a.deadline)) return;
    this.awaiting = undefined;
    for (const p of a.parts) this.finishPart(p, now);
  }

  private finishPart(a: RoundPart, now: number): void {
    const t = a.t;
    for (const s of a.waiting) {
      const r = t.receivers.get(s);
      if (r) r.misses++;
    }
    if (a.acked.size > 0) {
      t.retries = 0;
      return;
    }
    t.retries++;
    // alive (it answered an older burst) but its answer to this one is missing: go on at once, a
    // bounded number of times — with data if that older answer told us what it needs (a data burst
    // asks for an ack as well as a poll does), else with a poll
    if (a.heardOlder && t.retries <= MAX_IMMEDIATE_POLLS) {
      t.needPoll = !t.pending().some((r) => r.needs.size > 0);
      return;
    }
    t.needPoll = true;
    const { maxRetries } = this.ctx;
    // every receiver answered a round of ours within ALIVE_MS: silence is loss, not absence
    const alive = t.pending().every((r) => now - (this.answeredAt.get(r.progress.station) ?? -Infinity) <= ALIVE_MS);
    if (t.retries > maxRetries && !alive) {
      t.retries = 0;
      t.stalledUntil = now + this.ctx.stalledRetryMs;
      this.ctx.counters.gaveUp++;
      this.ctx.emit('failed', { transferId: t.rec.id, error: linkError('RS_ERR_LINK_GAVE_UP', `no ack for transfer ${t.rec.id} after ${maxRetries} retries; parked`), queued: true });
    } else if (t.retries > 1) {
      // the first silent round is most likely one lost ack: poll at once; back off from the second
      let backoff = Math.min(this.ctx.maxBackoffMs, this.ctx.backoffBaseMs * 2 ** (t.retries - 2));
      // the receivers are alive (their answers are being lost), or every receiver holds every block
      // and only a final ack is missing: a receiver lingers only seconds after the last frame it
      // heard from us, so ask again soon rather than after a long back-off
      if (alive || t.pending().every((r) => t.holdsAll(r))) backoff = Math.min(backoff, FINAL_ACK_BACKOFF_MS);
      this.backoffUntil = Math.max(this.backoffUntil, now + backoff + this.ctx.rng.next() * this.ctx.slotMs);
    }
  }

  /** Sendable transfers, best first: priority (higher first), then age, then id. */
  private ranked(now: number): OutboundTransfer[] {
    return [...this.outbound.values()]
      .filter((t) => !t.finished && t.stalledUntil <= now)
      .sort((x, y) => y.rec.priority - x.rec.priority || x.rec.createdAt - y.rec.createdAt || x.rec.id - y.rec.id);
  }

  /**
   * Two stations with data for each other fall into lockstep (both send data, then both send bare
   * acks) unless one lets the other lead. The station whose name sorts later yields: right after
   * the peer's key-up, if that peer is also sending to us, it waits up to one ack slot plus one frame
   * for the peer's data burst, to answer it with ack + its own burst in one key-up.
   */
  private shouldYield(t: OutboundTransfer, now: number): boolean {
    if (t.group) return false;
    const peer = t.rec.to[0]!;
    if (!(this.ctx.station > peer)) return false;
    const eob = this.ctx.rx.lastEobAt.get(peer);
    // long enough for the peer's access, TXDELAY and first frame to reach us
    const window = this.ctx.slotMs + frameAirMs(this.ctx.frameBytes, this.ctx.timing.bitrate);
    if (eob === undefined || now >= eob + window) return false;
    if (!this.ctx.rx.receivingFrom(peer)) return false;
    this.yieldUntil = eob + window;
    return true;
  }

  /**
   * The burst to send in this turn, if any: none while a round is open, other stations' ack slots
   * run, a back-off runs, we yield to the peer, or `mayTransmit` says no. `acks` frames already
   * fill the key-up.
   */
  planBurst(now: number, acks: number, slotsQuietUntil: number): PlannedBurst | undefined {
    if (this.awaiting || now < slotsQuietUntil || now < this.backoffUntil) return undefined;
    const ranked = this.ranked(now);
    const t = ranked[0];
    if (!t) return undefined;
    if (acks === 0 && this.shouldYield(t, now)) return undefined;
    const to = t.group ? this.ctx.groupAddress : t.rec.to[0]!;
    let cap = this.ctx.burstFrames;
    if (this.ctx.mayTransmit) {
      const ok = this.ctx.mayTransmit(to, now);
      if (typeof ok === 'number') {
        this.gateUntil = Math.max(now + 1, ok);
        return undefined;
      }
      // an allowance: at most this many frames in this key-up (acks included)
      if (ok !== true) cap = Math.min(cap, Math.floor(ok.maxFrames));
      if (cap - acks < 1) {
        this.gateUntil = now + GATE_RETRY_MS;
        return undefined;
      }
    }
    const lossOf = (s: string) => this.lossOf(s).estimate;
    let budget = cap - acks;
    const parts: PlannedBurst['parts'] = [];
    const first = t.buildBurst(budget, lossOf);
    parts.push({ t, burst: first });
    budget -= first.frames.length;
    // Room left: let other transfers to the same station join this key-up (one turnaround for all).
    if (!t.group) {
      for (const u of ranked.slice(1)) {
        if (budget < MIN_FRAMES_TO_JOIN || parts.length >= MAX_JOINED_TRANSFERS) break;
        if (u.group || u.rec.to[0] !== to) continue;
        const b = u.buildBurst(budget, lossOf);
        parts.push({ t: u, burst: b });
        budget -= b.frames.length;
      }
    }
    return { parts, to };
  }

  /** The planned burst went into a key-up ending about `txEndAt`: open its round. */
  sent(p: PlannedBurst, txEndAt: number): void {
    let slots = 1;
    const parts: RoundPart[] = [];
    for (const { t, burst } of p.parts) {
      if (t.stats.bursts > 0) t.stats.turnarounds++;
      t.sent(burst, txEndAt);
      publishBurst({ station: this.ctx.station, transferId: t.rec.id, to: p.to, burst: t.stats.bursts, poll: burst.poll, dataFrames: burst.dataFrames });
      if (burst.poll) this.ctx.counters.pollsSent++;
      else this.ctx.counters.dataFramesSent += burst.dataFrames;
      this.ctx.queue.saveNextShard(t.rec.id, t.nextShard);
      slots = Math.max(slots, burst.slots.length);
      parts.push({ t, waiting: new Set(burst.slots), acked: new Set(), heardOlder: false });
    }
    const receivers = parts.flatMap((x) => [...x.waiting]);
    this.awaiting = { parts, slots, txEndAt, deadline: txEndAt + this.ackWait(receivers, slots), extended: false };
  }

  /** Offer every time at which the sender wants a turn. */
  wakeTimes(consider: (at: number) => void): void {
    if (this.awaiting) consider(this.awaiting.deadline);
    if (this.outbound.size === 0) return;
    consider(this.gateUntil);
    consider(this.yieldUntil);
    consider(this.backoffUntil);
    for (const t of this.outbound.values()) {
      consider(t.stalledUntil);
      if (t.rec.expiresAt !== null) consider(t.rec.expiresAt);
    }
  }
}
