/**
 * Receiver side of one transfer: collects shards per block, rebuilds a block as soon as it has k
 * distinct shards, stores it durably in the queue *before* any ack reports it complete, and once
 * every block is in, verifies the payload hash. Builds the one ack per burst.
 *
 * Partial blocks (fewer than k shards) are kept in memory only, bounded by RECEIVE_WINDOW_BLOCKS
 * blocks of at most k shards each; after a restart the receiver reports "needs k" for them and the
 * sender answers with new shards, so nothing is lost but those shards.
 */
import type { ErasureCodec } from '../fec/ErasureCodec.js';
import { blockRange, planFromGeometry, type BlockPlan } from '../fec/blockPlan.js';
import type { AckFields } from './ackFrame.js';
import { MAX_ACK_ENTRIES, NEED_SATURATED } from './ackFrame.js';
import type { AnnounceFrame } from './announceFrame.js';
import type { DataFrame } from './frameHeader.js';
import { hashEqual, payloadHash } from './payloadHash.js';
import type { InboundRecord, TransferQueue } from './TransferQueue.js';

/** Blocks ahead of the first incomplete one that a receiver buffers: 128 (twice the sender window). */
export const RECEIVE_WINDOW_BLOCKS = 128;

/**
 * The highest burst number heard, after a DATA frame carrying the low 8 bits `low8`: the 16-bit
 * number nearest to `current` with those low bits (DATA of bursts more than 127 behind or ahead of
 * the announce is not expected). Older frames (held back and released late) never lower it.
 */
export function extendBurst(current: number | undefined, low8: number): number {
  if (current === undefined) return low8 & 0xff;
  const diff = ((((low8 - current) & 0xff) + 128) & 0xff) - 128;
  return diff > 0 ? (current + diff) & 0xffff : current;
}

export type DataOutcome = 'new' | 'duplicate' | 'bad' | 'out-of-window' | 'block-complete';

export class InboundTransfer {
  rec: InboundRecord;
  readonly done: Set<number>;
  private partial = new Map<number, { k: number; shards: Map<number, Uint8Array> }>();
  heardSinceAck = 0;
  /** A poll or burst end asked us to answer. */
  ackWanted = false;
  hashMismatch = false;
  badFrames = 0;
  /** A gap in a block's shard indices was seen: frames get lost on this path, so acks go out twice. */
  lossSeen = false;
  /** The highest burst number heard for this transfer (16 bits), echoed in every ack. */
  burst: number | undefined;
  /** `burst` came from an ANNOUNCE (all 16 bits known), not only from DATA (low 8 bits). */
  private burstAnnounced = false;
  /** The last DATA frame heard in burst `burst` (echoed as LAST), if any. */
  private lastHeard: { block: number; shard: number } | undefined;
  private lastIndex = new Map<number, number>();
  /** Bytes of the stored (reassembled) blocks. */
  private storedBytes = 0;
  /** Bytes of the buffered shards of partial blocks. */
  private bufferedBytes = 0;

  constructor(
    rec: InboundRecord,
    private readonly queue: TransferQueue,
    private readonly codec: ErasureCodec,
  ) {
    this.rec = rec;
    this.done = queue.inboundBlocks(rec.from, rec.id);
    // after a restart: blocks of k shards (the last may be smaller: an upper bound)
    this.storedBytes = this.done.size * (rec.k ?? 1) * (rec.shardSize ?? 0);
  }

  /** Bytes held for reassembly: stored blocks and buffered shards. */
  get heldBytes(): number {
    return this.storedBytes + this.bufferedBytes;
  }

  get known(): boolean {
    return this.rec.size !== undefined && this.rec.hash !== undefined && this.rec.k !== undefined && this.rec.shardSize !== undefined;
  }

  get plan(): BlockPlan | undefined {
    return this.known ? planFromGeometry(this.rec.size!, this.rec.shardSize!, this.rec.k!) : undefined;
  }

  /** Apply an announce. Returns false if it contradicts what we hold (then state is reset). */
  onAnnounce(a: AnnounceFrame, now: number): void {
    this.heardSinceAck++;
    // the announce carries the whole number and is authoritative (a restarted sender counts anew)
    if (a.burst !== this.burst) this.lastHeard = undefined;
    this.burst = a.burst;
    this.burstAnnounced = true;
    const changed =
      (this.rec.shardSize !== undefined && this.rec.shardSize !== a.shardSize) ||
      (this.rec.hash !== undefined && !hashEqual(this.rec.hash, a.hash)) ||
      (this.rec.k !== undefined && this.rec.k !== a.k) ||
      (this.rec.size !== undefined && this.rec.size !== a.size);
    if (changed) this.reset();
    const receivers = a.receivers ? { receivers: a.receivers } : {};
    this.rec = { from: this.rec.from, id: this.rec.id, size: a.size, shardSize: a.shardSize, k: a.k, hash: a.hash, ...receivers, updatedAt: now };
    this.queue.putInbound(this.rec);
  }

  private reset(): void {
    this.queue.removeInbound(this.rec.from, this.rec.id);
    this.partial.clear();
    this.done.clear();
    this.storedBytes = 0;
    this.bufferedBytes = 0;
    this.rec = { from: this.rec.from, id: this.rec.id, updatedAt: this.rec.updatedAt };
    this.queue.putInbound(this.rec);
  }

  private firstIncomplete(): number {
    let b = 0;
    while (this.done.has(b)) b++;
    return b;
  }

  onData(d: DataFrame, now: number): DataOutcome {
    this.heardSinceAck++;
    this.burst = extendBurst(this.burst, d.burst);
    // a frame of the latest burst heard (a late one from an older burst does not move LAST)
    if ((this.burst & 0xff) === d.burst) this.lastHeard = { block: d.block, shard: d.shard };
    if (this.rec.shardSize === undefined) {
      this.rec = { ...this.rec, shardSize: d.payload.length, updatedAt: now };
      this.queue.putInbound(this.rec);
    }
    if (d.payload.length !== this.rec.shardSize) return this.bad();
    const plan = this.plan;
    if (plan) {
      if (d.block >= plan.blockCount) return this.bad();
      if (blockRange(plan, d.block).k !== d.k) return this.bad();
    } else if (this.rec.k !== undefined && d.k > this.rec.k) return this.bad();
    const prev = this.lastIndex.get(d.block);
    if (prev !== undefined && d.shard > prev + 1) this.lossSeen = true;
    this.lastIndex.set(d.block, d.shard);
    if (this.lastIndex.size > RECEIVE_WINDOW_BLOCKS) this.lastIndex.delete(this.lastIndex.keys().next().value!);
    if (this.done.has(d.block)) return 'duplicate';
    if (d.block >= this.firstIncomplete() + RECEIVE_WINDOW_BLOCKS) return 'out-of-window';
    let p = this.partial.get(d.block);
    if (!p) {
      p = { k: d.k, shards: new Map() };
      this.partial.set(d.block, p);
    }
    if (p.k !== d.k) return this.bad();
    if (p.shards.has(d.shard)) return 'duplicate';
    p.shards.set(d.shard, d.payload.slice());
    this.bufferedBytes += d.payload.length;
    if (p.shards.size < p.k) return 'new';
    const r = this.codec.reconstruct(p.k, this.rec.shardSize, [...p.shards].map(([index, data]) => ({ index, data })));
    if (!r.ok) return this.bad();
    this.queue.putInboundBlock(this.rec.from, this.rec.id, d.block, r.data);
    this.done.add(d.block);
    this.storedBytes += r.data.length;
    this.bufferedBytes -= p.shards.size * this.rec.shardSize;
    this.partial.delete(d.block);
    if (this.rec.updatedAt !== now) {
      this.rec = { ...this.rec, updatedAt: now };
      this.queue.putInbound(this.rec);
    }
    return 'block-complete';
  }

  private bad(): DataOutcome {
    this.badFrames++;
    return 'bad';
  }

  /** Every block is in: verify the hash. 'ok' → the payload can be delivered. */
  checkComplete(): 'incomplete' | 'ok' | 'mismatch' {
    const plan = this.plan;
    if (!plan || this.done.size < plan.blockCount) return 'incomplete';
    const source = this.queue.inboundPayload(this.rec.from, this.rec.id);
    if (hashEqual(payloadHash(source), this.rec.hash!)) return 'ok';
    this.hashMismatch = true;
    this.reset();
    return 'mismatch';
  }

  /** The ack for the frames heard so far (resets the heard counter). */
  buildAck(): AckFields {
    const base = this.firstIncomplete();
    const plan = this.plan;
    let last = base - 1;
    for (const b of this.partial.keys()) last = Math.max(last, b);
    for (const b of this.done) last = Math.max(last, b);
    const needs: number[] = [];
    for (let b = base; b <= last && needs.length < MAX_ACK_ENTRIES; b++) {
      if (this.done.has(b)) needs.push(0);
      else {
        const p = this.partial.get(b);
        const k = p?.k ?? (plan ? blockRange(plan, b).k : this.rec.k ?? NEED_SATURATED);
        needs.push(Math.min(NEED_SATURATED, k - (p?.shards.size ?? 0)));
      }
    }
    const heard = this.heardSinceAck;
    this.heardSinceAck = 0;
    this.ackWanted = false;
    const mismatch = this.hashMismatch;
    this.hashMismatch = false;
    return { eob: false, transferId: this.rec.id, known: this.known, complete: false, hashMismatch: mismatch, rejected: false, heard, burst: this.burst ?? 0, ...(this.burstAnnounced ? {} : { burst8: true }), ...(this.lastHeard ? { last: { ...this.lastHeard } } : {}), base, needs };
  }

  /** Shards held in memory (for the no-unbounded-growth checks). */
  get bufferedShards(): number {
    let n = 0;
    for (const p of this.partial.values()) n += p.shards.size;
    return n;
  }
}
