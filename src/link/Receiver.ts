/**
 * The receiving half of a {@link Link}: inbound transfers, group slots, completed-transfer memory
 * and the acks this station owes. It reacts to DATA, ANNOUNCE and CANCEL frames and to the end of
 * another station's key-up; the Link asks it which acks are due when it takes its turn.
 */
import type { Clock } from '../clock/Clock.js';
import type { ErasureCodec } from '../fec/ErasureCodec.js';
import { encodeAckFrame, MAX_RECEIPT_BYTES, type AckFields } from './ackFrame.js';
import { ackTagInput, type AckAuthenticator } from './AckAuthenticator.js';
import type { AnnounceFrame } from './announceFrame.js';
import type { CancelFrame } from './controlFrames.js';
import type { DataFrame } from './frameHeader.js';
import { extendBurst, InboundTransfer } from './InboundTransfer.js';
import type { DeliverHandler, InboundDelivery, LinkStats } from './linkEvents.js';
import type { Frame } from './OutboundTransfer.js';
import { readAll } from './PayloadSource.js';
import { hashEqual } from './payloadHash.js';
import { evictionOrder, MAX_UNANNOUNCED_BYTES, MAX_UNANNOUNCED_PER_SENDER, MAX_UNANNOUNCED_TOTAL, reservedBytes, type InboundCaps } from './inboundLimits.js';
import type { TransferQueue } from './TransferQueue.js';

/** Transfer keys remembered as "not for us" (group announces without this station): 256. */
export const MAX_IGNORED_TRANSFERS = 256;
/** Completed transfers whose final ack is owed at once: 64. */
export const MAX_COMPLETED_OWED = 64;
/**
 * Copies of each ack sent when the receiver has seen frames lost on the path: 2. A lost ack costs
 * the sender a timeout and a poll (several seconds); a second copy costs one short frame.
 */
export const ACK_COPIES_ON_LOSS = 2;

export const keyOf = (from: string, id: number) => `${from}\u0000${id}`;

interface Owed {
  from: string;
  id: number;
  dueAt: number;
}

export interface ReceiverContext {
  station: string;
  clock: Clock;
  queue: TransferQueue;
  codec: ErasureCodec;
  auth: AckAuthenticator;
  deliver: DeliverHandler | undefined;
  /** Length of one ack slot (ms). */
  slotMs: number;
  counters: LinkStats;
  /** Per-sender, total and reassembly-bytes caps on partial inbound transfers (inboundLimits.ts). */
  caps: InboundCaps;
  /** A transfer was delivered to the application (its final ack is now owed). */
  onReceived(d: InboundDelivery): void;
}

export interface DueAck {
  to: string;
  frame: Frame;
  copies: number;
}

export class Receiver {
  readonly inbound = new Map<string, InboundTransfer>();
  private readonly slotOf = new Map<string, { slot: number; of: number }>();
  private readonly ignored = new Set<string>();
  private readonly completedOwed = new Map<string, { from: string; id: number; heard: number; lossy: boolean; burst: number }>();
  private readonly pendingReceipt = new Set<string>();
  /** Transfers refused as too large for the reassembly cap: a REJECTED ack is owed. */
  private readonly refused = new Map<string, { from: string; id: number; hash: Uint8Array; burst: number }>();
  /** The burst number heard last for each completed transfer (an ack from completed memory echoes it). */
  private readonly completedBurst = new Map<string, number>();
  private readonly owed = new Map<string, Owed>();
  /** Senders on whose path this station has seen frames lost: acks to them go twice. */
  private readonly lossyFrom = new Set<string>();
  /** When each station last ended a key-up (EOB or quiet timer). */
  readonly lastEobAt = new Map<string, number>();
  /** Until then other receivers' ack slots (of a group burst we heard) are running. */
  slotsQuietUntil = 0;

  constructor(private readonly ctx: ReceiverContext) {
    for (const rec of ctx.queue.listInbound()) this.inbound.set(keyOf(rec.from, rec.id), new InboundTransfer(rec, ctx.queue, ctx.codec));
  }

  get bufferState(): { inbound: number; unannounced: number; shards: number; heldBytes: number; reservedBytes: number; owed: number; completedOwed: number; ignored: number } {
    let shards = 0;
    let heldBytes = 0;
    let reserved = 0;
    let unannounced = 0;
    for (const it of this.inbound.values()) {
      shards += it.bufferedShards;
      heldBytes += it.heldBytes;
      reserved += reservedBytes(it);
      if (!it.known) unannounced++;
    }
    return { inbound: this.inbound.size, unannounced, shards, heldBytes, reservedBytes: reserved, owed: this.owed.size, completedOwed: this.completedOwed.size, ignored: this.ignored.size };
  }

  /** Earliest due time of an owed ack, if any. */
  nextDue(): number | undefined {
    let at: number | undefined;
    for (const o of this.owed.values()) if (at === undefined || o.dueAt < at) at = o.dueAt;
    return at;
  }

  /** Whether we are receiving a transfer from `peer` (still incomplete or awaiting its receipt). */
  receivingFrom(peer: string): boolean {
    for (const it of this.inbound.values()) if (it.rec.from === peer && !this.pendingReceipt.has(keyOf(peer, it.rec.id))) return true;
    return false;
  }

  /** The acks due now (removed from the owed set); `later` tells whether some are still to come. */
  takeDueAcks(now: number): { acks: DueAck[]; later: boolean } {
    const acks: DueAck[] = [];
    let later = false;
    for (const [key, o] of [...this.owed]) {
      if (this.pendingReceipt.has(key)) continue;
      if (o.dueAt > now) {
        later = true;
        continue;
      }
      this.owed.delete(key);
      const ack = this.ackFrame(o);
      if (ack) acks.push({ to: o.from, ...ack });
    }
    return { acks, later };
  }

  private drop(it: InboundTransfer): void {
    this.inbound.delete(keyOf(it.rec.from, it.rec.id));
    this.ctx.queue.removeInbound(it.rec.from, it.rec.id);
  }

  private evict(it: InboundTransfer): void {
    this.drop(it);
    this.ctx.counters.partialEvicted++;
  }

  /** Partial transfers that may be evicted (not the one being admitted, not one awaiting its receipt). */
  private evictable(except: string, filter: (it: InboundTransfer) => boolean = () => true): InboundTransfer[] {
    return evictionOrder([...this.inbound.values()].filter((x) => filter(x) && keyOf(x.rec.from, x.rec.id) !== except && !this.pendingReceipt.has(keyOf(x.rec.from, x.rec.id))));
  }

  private create(from: string, id: number): InboundTransfer {
    const rec = { from, id, updatedAt: this.ctx.clock.now() };
    this.ctx.queue.putInbound(rec);
    const it = new InboundTransfer(rec, this.ctx.queue, this.ctx.codec);
    this.inbound.set(keyOf(from, id), it);
    return it;
  }

  /**
   * State for a transfer whose (verified) ANNOUNCE of `size` bytes arrived: make room within the
   * per-sender, total and reassembly-bytes caps by evicting unannounced transfers first, then the
   * least recently active. Undefined (and a REJECTED ack owed) if `size` alone exceeds the bytes cap.
   */
  private admitAnnounced(from: string, id: number, size: number, hash: Uint8Array, burst: number): InboundTransfer | undefined {
    const key = keyOf(from, id);
    const { maxPartialPerSender, maxPartialTotal, maxReassemblyBytes } = this.ctx.caps;
    if (size > maxReassemblyBytes) {
      const it = this.inbound.get(key);
      if (it) this.drop(it);
      this.ctx.counters.reassemblyRefused++;
      if (this.refused.size >= MAX_COMPLETED_OWED) this.refused.delete(this.refused.keys().next().value!);
      this.refused.set(key, { from, id, hash, burst });
      return undefined;
    }
    const count = (f: (x: InboundTransfer) => boolean) => [...this.inbound.values()].filter((x) => f(x) && keyOf(x.rec.from, x.rec.id) !== key).length;
    for (const x of this.evictable(key, (x) => x.rec.from === from)) {
      if (count((y) => y.rec.from === from) < maxPartialPerSender) break;
      this.evict(x);
    }
    for (const x of this.evictable(key)) {
      if (count(() => true) < maxPartialTotal) break;
      this.evict(x);
    }
    const reserved = () => [...this.inbound.values()].reduce((a, x) => a + (keyOf(x.rec.from, x.rec.id) === key ? 0 : reservedBytes(x)), 0);
    for (const x of this.evictable(key)) {
      if (reserved() + size <= maxReassemblyBytes) break;
      this.evict(x);
    }
    return this.inbound.get(key) ?? this.create(from, id);
  }

  /**
   * State for DATA of a transfer with no (verified) ANNOUNCE yet: only within the small unannounced
   * pool (inboundLimits.ts), which never pushes out an announced transfer. Undefined = drop.
   */
  private admitUnannounced(from: string, id: number): InboundTransfer | undefined {
    const key = keyOf(from, id);
    const unannounced = (x: InboundTransfer) => !x.known;
    const mine = this.evictable(key, (x) => unannounced(x) && x.rec.from === from);
    for (let i = 0; i <= mine.length - MAX_UNANNOUNCED_PER_SENDER; i++) this.evict(mine[i]!);
    const all = this.evictable(key, unannounced);
    for (let i = 0; i <= all.length - MAX_UNANNOUNCED_TOTAL; i++) this.evict(all[i]!);
    if (this.inbound.size >= this.ctx.caps.maxPartialTotal) {
      const oldest = this.evictable(key, unannounced)[0];
      if (!oldest) return undefined;
      this.evict(oldest);
    }
    return this.create(from, id);
  }

  /** A frame of a completed transfer (burst number `burst`, 16 bits) was heard: its final ack is owed. */
  private markCompletedWanted(from: string, id: number, burst: number, lossy = false): void {
    const key = keyOf(from, id);
    this.completedBurst.delete(key);
    if (this.completedBurst.size >= MAX_COMPLETED_OWED) this.completedBurst.delete(this.completedBurst.keys().next().value!);
    this.completedBurst.set(key, burst);
    const c = this.completedOwed.get(key);
    if (c) {
      c.heard++;
      c.lossy ||= lossy;
      c.burst = burst;
    } else {
      if (this.completedOwed.size >= MAX_COMPLETED_OWED) this.completedOwed.delete(this.completedOwed.keys().next().value!);
      this.completedOwed.set(key, { from, id, heard: 1, lossy, burst });
    }
  }

  onData(from: string, f: DataFrame): void {
    const key = keyOf(from, f.transferId);
    if (this.ignored.has(key)) return;
    let it = this.inbound.get(key);
    if (!it && this.ctx.queue.getCompleted(from, f.transferId)) {
      // DATA carries no payload hash: it may belong to a new transfer reusing the id. Answer
      // COMPLETE only while that ack is owed anyway (late frames of the burst that completed it);
      // otherwise stay silent — the sender polls with its ANNOUNCE, whose hash decides.
      this.ctx.counters.duplicateFrames++;
      if (this.completedOwed.has(key)) this.markCompletedWanted(from, f.transferId, extendBurst(this.completedBurst.get(key), f.burst));
      return;
    }
    it ??= this.admitUnannounced(from, f.transferId);
    if (!it) {
      this.ctx.counters.unannouncedDropped++;
      return;
    }
    if (!it.known && (it.heldBytes + f.payload.length > MAX_UNANNOUNCED_BYTES || this.bufferState.reservedBytes + f.payload.length > this.ctx.caps.maxReassemblyBytes)) {
      this.ctx.counters.unannouncedDropped++;
      return;
    }
    const outcome = it.onData(f, this.ctx.clock.now());
    if (outcome === 'bad') this.ctx.counters.badFrames++;
    else if (outcome === 'duplicate') this.ctx.counters.duplicateFrames++;
    else if (outcome === 'block-complete') this.tryComplete(it);
  }

  /** With an authenticator: whether tag `index` of the frame verifies as sent by `from` to us (counted if not). */
  private verified(from: string, f: { tags?: Uint8Array[]; signed?: Uint8Array }, index: number): boolean {
    if (!this.ctx.auth.enabled) return true;
    const tag = f.tags?.[index];
    if (tag && f.signed && this.ctx.auth.verify(from, f.signed, tag)) return true;
    this.ctx.counters.authFailures++;
    return false;
  }

  onAnnounce(from: string, a: AnnounceFrame): void {
    const key = keyOf(from, a.transferId);
    if (a.receivers) {
      const i = a.receivers.indexOf(this.ctx.station);
      if (i < 0) {
        // a group transfer for others: not ours (state we hold is left alone; only an announce
        // authenticated for us may change it)
        if (!this.inbound.has(key)) this.ignore(key);
        return;
      }
      if (!this.verified(from, a, i)) return;
      this.ignored.delete(key);
      const pend = a.receivers.map((_, j) => a.pending?.[j] ?? true);
      if (!pend[i]) {
        // the sender has our final ack: stay silent for this transfer (ack slots are for pending receivers)
        this.slotOf.delete(key);
        this.completedOwed.delete(key);
        if (!this.inbound.has(key)) this.ignore(key);
        return;
      }
      if (!this.slotOf.has(key) && this.slotOf.size >= MAX_IGNORED_TRANSFERS) this.slotOf.delete(this.slotOf.keys().next().value!);
      this.slotOf.set(key, { slot: pend.slice(0, i).filter(Boolean).length, of: pend.filter(Boolean).length });
    } else {
      if (!this.verified(from, a, 0)) return;
      this.slotOf.delete(key);
    }
    let it = this.inbound.get(key);
    if (!it) {
      const c = this.ctx.queue.getCompleted(from, a.transferId);
      if (c && hashEqual(c.hash, a.hash)) {
        this.markCompletedWanted(from, a.transferId, a.burst);
        return;
      }
    }
    if (this.pendingReceipt.has(key)) return;
    if (!it || !it.known || it.rec.size !== a.size || !hashEqual(it.rec.hash!, a.hash)) {
      it = this.admitAnnounced(from, a.transferId, a.size, a.hash, a.burst);
      if (!it) return;
    }
    it.onAnnounce(a, this.ctx.clock.now());
    if (a.eob) it.ackWanted = true;
    this.tryComplete(it);
  }

  private ignore(key: string): void {
    if (this.ignored.size >= MAX_IGNORED_TRANSFERS) this.ignored.delete(this.ignored.values().next().value!);
    this.ignored.add(key);
    const it = this.inbound.get(key);
    if (it) {
      this.inbound.delete(key);
      this.ctx.queue.removeInbound(it.rec.from, it.rec.id);
    }
  }

  onCancel(from: string, c: CancelFrame): void {
    const key = keyOf(from, c.transferId);
    const it = this.inbound.get(key);
    // group: our tag sits at our position in the announced receiver list
    if (this.ctx.auth.enabled && !this.verified(from, c, it?.rec.receivers ? it.rec.receivers.indexOf(this.ctx.station) : 0)) return;
    if (it) {
      this.inbound.delete(key);
      this.ctx.queue.removeInbound(from, c.transferId);
    }
    this.owed.delete(key);
    this.slotOf.delete(key);
  }

  private tryComplete(it: InboundTransfer): void {
    const key = keyOf(it.rec.from, it.rec.id);
    if (this.pendingReceipt.has(key)) return;
    const res = it.checkComplete();
    if (res === 'mismatch') {
      it.ackWanted = true;
      return;
    }
    if (res !== 'ok') return;
    const source = this.ctx.queue.inboundPayload(it.rec.from, it.rec.id);
    const delivery: InboundDelivery = { from: it.rec.from, transferId: it.rec.id, size: source.size, source, bytes: () => readAll(source) };
    const heard = it.heardSinceAck;
    this.pendingReceipt.add(key);
    const finish = (receipt: Uint8Array | undefined) => {
      if (receipt && receipt.length > MAX_RECEIPT_BYTES) receipt = undefined;
      this.ctx.queue.putCompleted({ from: it.rec.from, id: it.rec.id, hash: it.rec.hash!, ...(receipt ? { receipt } : {}), completedAt: this.ctx.clock.now() });
      this.ctx.queue.removeInbound(it.rec.from, it.rec.id);
      this.inbound.delete(key);
      this.pendingReceipt.delete(key);
      this.markCompletedWanted(it.rec.from, it.rec.id, it.burst ?? 0, it.lossSeen);
      const c = this.completedOwed.get(key);
      if (c) c.heard += heard;
      this.ctx.counters.received++;
      this.ctx.onReceived(delivery);
    };
    const fail = () => {
      // The application could not apply it: keep the data, no completion ack; retried on the next frame.
      this.pendingReceipt.delete(key);
    };
    try {
      const r = this.ctx.deliver ? this.ctx.deliver(delivery) : undefined;
      if (r instanceof Promise) r.then(finish, fail);
      else finish(r);
    } catch {
      fail();
    }
  }

  /** The station `from` ended a key-up: owe acks for what we heard from it. */
  endOfTransmission(from: string, endedAt: number = this.ctx.clock.now()): void {
    const now = endedAt;
    this.lastEobAt.set(from, now);
    if (this.lastEobAt.size > MAX_IGNORED_TRANSFERS) this.lastEobAt.delete(this.lastEobAt.keys().next().value!);
    let groupSlots = 0;
    const owe = (key: string, id: number) => {
      const s = this.slotOf.get(key);
      if (s) groupSlots = Math.max(groupSlots, s.of);
      this.owed.set(key, { from, id, dueAt: now + (s ? s.slot * this.ctx.slotMs : 0) });
    };
    for (const [key, it] of this.inbound) {
      if (it.rec.from !== from || this.pendingReceipt.has(key)) continue;
      // with an authenticator, a transfer without a verified announce is never answered (a spoofer
      // cannot make this station transmit); its sender polls with the announce
      if (this.ctx.auth.enabled && !it.known) continue;
      if (it.heardSinceAck > 0 || it.ackWanted) {
        if (it.rec.receivers && !this.slotOf.has(key)) continue; // group member that missed every announce: no slot yet
        owe(key, it.rec.id);
      }
    }
    for (const [key, c] of this.completedOwed) if (c.from === from) owe(key, c.id);
    for (const [key, r] of this.refused) if (r.from === from) owe(key, r.id);
    if (groupSlots > 1) this.slotsQuietUntil = Math.max(this.slotsQuietUntil, now + groupSlots * this.ctx.slotMs);
  }

  private ackFrame(o: Owed): { frame: Frame; copies: number } | undefined {
    const key = keyOf(o.from, o.id);
    let fields: AckFields | undefined;
    let lossy = false;
    const it = this.inbound.get(key);
    const c = this.completedOwed.get(key);
    const refused = this.refused.get(key);
    if (refused && !it) {
      this.refused.delete(key);
      fields = { eob: false, transferId: o.id, known: true, complete: false, hashMismatch: false, rejected: true, heard: 0, burst: refused.burst, base: 0, needs: [] };
    } else if (c) {
      this.completedOwed.delete(key);
      lossy = c.lossy;
      const done = this.ctx.queue.getCompleted(o.from, o.id);
      if (!done) return undefined;
      fields = { eob: false, transferId: o.id, known: true, complete: true, hashMismatch: false, rejected: false, heard: c.heard, burst: c.burst, base: 0, needs: [], ...(done.receipt ? { receipt: done.receipt } : {}) };
    } else if (it) {
      fields = it.buildAck();
      lossy = it.lossSeen;
    }
    if (!fields) return undefined;
    // a lossy path stays lossy: the final ack replayed from completed memory goes twice as well
    if (lossy && !this.lossyFrom.has(o.from)) {
      if (this.lossyFrom.size >= MAX_IGNORED_TRANSFERS) this.lossyFrom.delete(this.lossyFrom.values().next().value!);
      this.lossyFrom.add(o.from);
    }
    lossy ||= this.lossyFrom.has(o.from);
    const f = fields;
    // the tag binds the payload hash we hold when we report KNOWN (AckAuthenticator.ackTagInput)
    const hash = f.known ? (refused?.hash ?? (c ? this.ctx.queue.getCompleted(o.from, o.id)?.hash : it?.rec.hash)) : undefined;
    const sign = this.ctx.auth.enabled ? (b: Uint8Array) => this.ctx.auth.sign(o.from, ackTagInput(b, hash)) : undefined;
    return { frame: (eob) => encodeAckFrame({ ...f, eob }, sign), copies: lossy ? ACK_COPIES_ON_LOSS : 1 };
  }
}
