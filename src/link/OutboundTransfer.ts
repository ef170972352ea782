/**
 * Sender side of one transfer: which blocks each receiver still needs, and what the next burst
 * carries. Pure state plus the codec; the {@link Link} decides *when* a burst goes out.
 *
 * Need estimate per receiver r and block b: 0 once r acknowledged b complete; otherwise the need r
 * last reported (k_b if the block was not in its ack), minus the shards sent since that ack times
 * the expected delivery ratio 1−p̂_r. Each block gets the smallest shard count that completes it
 * with the target probability for the *worst* receiver (burstSizing.ts); every shard is a new index,
 * so one parity shard repairs different losses at different receivers.
 */
import type { ErasureCodec } from '../fec/ErasureCodec.js';
import { blockRange, planFromGeometry, type BlockPlan } from '../fec/blockPlan.js';
import type { AckFrame } from './ackFrame.js';
import type { AckAuthenticator } from './AckAuthenticator.js';
import { encodeAnnounceFrame } from './announceFrame.js';
import { encodeDataFrame } from './frameHeader.js';
import type { PayloadSource } from './PayloadSource.js';
import { FINAL_BURST_TARGET, MID_BURST_TARGET, shardsToSend } from './burstSizing.js';
import { bitmapClear, bitmapGet, bitmapSet, emptyBitmap, type OutboundRecord, type ReceiverProgress } from './TransferQueue.js';

/** Blocks in flight per transfer (the window): 64, equal to MAX_ACK_ENTRIES so one ack covers it. */
export const MAX_WINDOW_BLOCKS = 64;
/** Shard indices per block in GF(2^8); indices beyond wrap around (repeats, still useful). */
const SHARD_INDEX_SPACE = 256;

export interface TransferStats {
  bursts: number;
  /** Ack rounds: burst (or poll) → wait for acks. */
  rounds: number;
  /** Changes of direction this transfer caused: burst→ack and ack→next burst. */
  turnarounds: number;
  framesSent: number;
  bytesSent: number;
  dataShardsSent: number;
  parityShardsSent: number;
  polls: number;
}

export interface ReceiverState {
  progress: ReceiverProgress;
  /** Needs from the last ack (block → shards); blocks not listed need k_b. */
  needs: Map<number, number>;
  /** The latest burst (internal sequence number) that receiver's acks have named (−1: none). */
  coveredSeq: number;
  /** How far into burst `coveredSeq` that ack saw: the position of its last-heard frame (Infinity: all of it). */
  coveredPos: number;
  /** Latest burst whose frames went into the loss estimate for this receiver… */
  observedSeq: number;
  /** …up to this DATA position in it (Infinity: all of it). */
  observedPos: number;
  /** Consecutive rounds without an ack from this receiver. */
  misses: number;
  /** Reassemblies this receiver reported with a wrong hash. */
  mismatches: number;
  rejected: boolean;
}

export type Frame = (eob: boolean) => Uint8Array;

/**
 * Bursts remembered per transfer: 32. An ack naming an older burst is stale: only its COMPLETE and
 * REJECTED bits are taken (they stay true); its needs are ignored.
 */
export const MAX_BURST_HISTORY = 32;
/** Half the 16-bit burst-number space: an ack naming a number up to this far *ahead* names a burst never sent. */
const BURST_HALF_SPACE = 0x8000;

/** What an ack's burst number names, from the sender's history. */
export type AckPlace = { kind: 'burst'; seq: number; pos: number } | { kind: 'stale' } | { kind: 'unsent' };
/**
 * Wrong-hash reassemblies tolerated per receiver: 2. One can be a corrupted frame that passed the
 * FCS; a second means the payload source changed under us or a bug: the receiver is dropped.
 */
export const MAX_HASH_MISMATCHES = 2;

interface BurstRecord {
  seq: number;
  frames: number;
  shards: Map<number, { start: number; n: number; pos: number }>;
  /** DATA frames in it (the rest is its ANNOUNCE, first). */
  data: number;
  /** Estimated end of the key-up that carried it. */
  txEndAt: number;
  /** Receivers whose first answer naming this burst has been timed. */
  timed: Set<string>;
}

export interface Burst {
  frames: Frame[];
  lengths: number[];
  poll: boolean;
  /** DATA frames in the burst. */
  dataFrames: number;
  /** Receivers asked to answer, in slot order. */
  slots: string[];
}

export class OutboundTransfer {
  readonly rec: OutboundRecord;
  readonly plan: BlockPlan;
  readonly receivers = new Map<string, ReceiverState>();
  readonly nextShard: Map<number, number>;
  readonly stats: TransferStats = { bursts: 0, rounds: 0, turnarounds: 0, framesSent: 0, bytesSent: 0, dataShardsSent: 0, parityShardsSent: 0, polls: 0 };
  /** Ask before sending (after a restart or a round with no ack at all). */
  needPoll: boolean;
  retries = 0;
  stalledUntil = 0;
  /** Loaded from the queue with some blocks already sent (before a restart). */
  private readonly resumed: boolean;
  private cache: { block: number; data: Uint8Array } | undefined;
  /** Shards per block of the burst being built: first raw index, count, position of the first in the burst. */
  private burstShards = new Map<number, { start: number; n: number; pos: number }>();
  /** The last MAX_BURST_HISTORY bursts sent, newest last. */
  private history: BurstRecord[] = [];
  /**
   * Internal number of the next burst; on air as `seq mod 2^16` (ANNOUNCE, ACK) and `seq mod 2^8`
   * (DATA). It starts at `firstBurst`, drawn at random by the Sender, so that numbers after a
   * restart do not collide with acks still on their way from before it.
   */
  private seq: number;

  constructor(
    rec: OutboundRecord,
    private readonly source: PayloadSource,
    private readonly codec: ErasureCodec,
    private readonly windowBlocks: number = MAX_WINDOW_BLOCKS,
    private readonly auth?: AckAuthenticator,
    firstBurst = 0,
  ) {
    this.seq = firstBurst & 0xffff;
    this.rec = rec;
    this.plan = planFromGeometry(rec.size, rec.shardSize, rec.k);
    this.nextShard = new Map(rec.nextShard);
    for (const p of rec.receivers) {
      this.receivers.set(p.station, { progress: p, needs: new Map(), coveredSeq: -1, coveredPos: Infinity, observedSeq: -1, observedPos: Infinity, misses: 0, mismatches: 0, rejected: false });
    }
    this.resumed = this.nextShard.size > 0;
    this.needPoll = this.resumed && this.pending().length > 0;
  }

  /** Some frame of this transfer has been on air (receivers may hold state for it). */
  get started(): boolean {
    return this.resumed || this.stats.bursts > 0;
  }

  get group(): boolean {
    return this.rec.to.length > 1;
  }

  /** Receivers that still need the transfer. */
  pending(): ReceiverState[] {
    return [...this.receivers.values()].filter((r) => !r.progress.done && !r.rejected);
  }

  get finished(): boolean {
    return this.pending().length === 0;
  }

  private lowBlock(r: ReceiverState): number {
    let b = 0;
    while (b < this.plan.blockCount && bitmapGet(r.progress.completeBlocks, b)) b++;
    return b;
  }

  /** Shards of `block` sent after position `pos` of burst `seq` (and in every later burst). */
  sentAfter(seq: number, block: number, pos = Infinity): number {
    let n = 0;
    for (const b of this.history) {
      const x = b.shards.get(block);
      if (!x) continue;
      if (b.seq > seq) n += x.n;
      else if (b.seq === seq && pos !== Infinity) n += Math.max(0, Math.min(x.n, x.pos + x.n - 1 - pos));
    }
    for (const [blk, x] of this.burstShards) if (blk === block) n += x.n;
    return n;
  }

  needEstimate(r: ReceiverState, block: number, loss: number): number {
    if (bitmapGet(r.progress.completeBlocks, block)) return 0;
    const k = blockRange(this.plan, block).k;
    const reported = r.needs.get(block) ?? k;
    return Math.max(0, Math.ceil(reported - this.sentAfter(r.coveredSeq, block, r.coveredPos) * (1 - loss) - 1e-9));
  }

  private announce(pendingOnly: boolean): Frame {
    const pend = this.pending().map((r) => r.progress.station);
    const base = { transferId: this.rec.id, burst: this.seq & 0xffff, size: this.rec.size, shardSize: this.rec.shardSize, k: this.rec.k, hash: this.rec.hash };
    const group = this.group ? { receivers: this.rec.to, pending: this.rec.to.map((s) => pend.includes(s)) } : {};
    void pendingOnly;
    // one tag per listed receiver (group) or for the one receiver (unicast), each bound to FROM>TO
    const auth = this.auth?.enabled ? this.auth : undefined;
    const sign = auth ? (b: Uint8Array) => this.rec.to.map((r) => auth.sign(r, b)) : undefined;
    return (eob) => encodeAnnounceFrame({ ...base, ...group, eob }, sign);
  }

  /** A poll: the announce alone with EOB, asking every pending receiver for an ack. */
  buildPoll(): Burst {
    this.needPoll = false;
    this.burstShards.clear();
    this.stats.polls++;
    const f = this.announce(true);
    return { frames: [f], lengths: [f(true).length], poll: true, dataFrames: 0, slots: this.pending().map((r) => r.progress.station) };
  }

  /**
   * The next burst: ANNOUNCE if needed, then new shards for the window's blocks, within
   * `budgetFrames`. Falls back to a poll when nothing needs sending.
   */
  buildBurst(budgetFrames: number, lossOf: (station: string) => number): Burst {
    const pend = this.pending();
    if (this.needPoll) return this.buildPoll();
    const frames: Frame[] = [];
    const lengths: number[] = [];
    if (this.group || pend.some((r) => !r.progress.known)) {
      const a = this.announce(false);
      frames.push(a);
      lengths.push(a(false).length);
    }
    const low = Math.min(...pend.map((r) => this.lowBlock(r)));
    const end = Math.min(this.plan.blockCount, low + this.windowBlocks);
    let dataFrames = 0;
    this.burstShards.clear();
    const sizeFor = (b: number, target: number) => {
      let n = 0;
      for (const r of pend) {
        const loss = lossOf(r.progress.station);
        n = Math.max(n, shardsToSend(this.needEstimate(r, b, loss), loss, target, 4 * SHARD_INDEX_SPACE));
      }
      return n;
    };
    // Tail-aware sizing: if everything left fits in this burst, size each block to complete with
    // FINAL_BURST_TARGET (no further round is planned); otherwise later bursts will top blocks up
    // anyway, so send the expected need (MID_BURST_TARGET) and waste nothing.
    const finalSizes = new Map<number, number>();
    let finalTotal = 0;
    if (end === this.plan.blockCount) {
      for (let b = low; b < end && finalTotal <= budgetFrames; b++) {
        const n = sizeFor(b, FINAL_BURST_TARGET);
        finalSizes.set(b, n);
        finalTotal += n;
      }
    }
    const final = end === this.plan.blockCount && finalTotal + frames.length <= budgetFrames;
    for (let b = low; b < end && frames.length < budgetFrames; b++) {
      const range = blockRange(this.plan, b);
      let n = final ? finalSizes.get(b)! : sizeFor(b, MID_BURST_TARGET);
      n = Math.min(n, budgetFrames - frames.length);
      if (n <= 0) continue;
      for (const f of this.shardFrames(b, range.k, n)) {
        frames.push(f.frame);
        lengths.push(f.length);
      }
      dataFrames += n;
    }
    if (dataFrames === 0) return this.buildPoll();
    return { frames, lengths, poll: false, dataFrames, slots: pend.map((r) => r.progress.station) };
  }

  private blockData(b: number): Uint8Array {
    if (this.cache?.block === b) return this.cache.data;
    const range = blockRange(this.plan, b);
    const data = new Uint8Array(range.k * this.rec.shardSize);
    data.set(this.source.read(range.offset, range.length));
    this.cache = { block: b, data };
    return data;
  }

  private shardFrames(b: number, k: number, n: number): Array<{ frame: Frame; length: number }> {
    const s = this.rec.shardSize;
    const start = this.nextShard.get(b) ?? 0;
    this.nextShard.set(b, start + n);
    let pos = 0;
    for (const x of this.burstShards.values()) pos += x.n;
    this.burstShards.set(b, { start, n, pos });
    const indices: number[] = [];
    for (let i = 0; i < n; i++) indices.push((start + i) % Math.min(SHARD_INDEX_SPACE, this.codec.maxShards));
    const data = this.blockData(b);
    const parityIdx = indices.filter((i) => i >= k);
    const parity = new Map<number, Uint8Array>();
    if (parityIdx.length > 0) {
      const lo = Math.min(...parityIdx) - k;
      const hi = Math.max(...parityIdx) - k;
      this.codec.encodeParity(data, k, s, lo, hi - lo + 1).forEach((p, j) => parity.set(k + lo + j, p));
    }
    return indices.map((idx) => {
      const payload = idx < k ? data.subarray(idx * s, (idx + 1) * s) : parity.get(idx)!;
      if (idx < k) this.stats.dataShardsSent++;
      else this.stats.parityShardsSent++;
      const burst = this.seq & 0xff;
      const frame: Frame = (eob) => encodeDataFrame({ eob, transferId: this.rec.id, burst, block: b, shard: idx, k, payload });
      return { frame, length: frame(false).length };
    });
  }

  /** Count a burst that went out (it joins the history acks are placed against). */
  sent(burst: Burst, txEndAt: number): void {
    this.stats.bursts++;
    this.stats.rounds++;
    this.stats.framesSent += burst.frames.length;
    this.stats.bytesSent += burst.lengths.reduce((a, n) => a + n, 0);
    this.history.push({ seq: this.seq++, frames: burst.frames.length, data: burst.dataFrames, shards: new Map(this.burstShards), txEndAt, timed: new Set() });
    // blocks every receiver has are never sent again: forget their shard counters (bounded state)
    const live = [...this.receivers.values()].filter((r) => !r.rejected);
    for (const b of this.nextShard.keys()) if (live.every((r) => bitmapGet(r.progress.completeBlocks, b))) this.nextShard.delete(b);
    if (this.history.length > MAX_BURST_HISTORY) this.history.shift();
    this.burstShards.clear();
  }

  /** The burst an ack names, placed by its burst number alone (never by when it arrived). */
  place(ack: AckFrame): AckPlace {
    const first = this.history[0];
    if (!first) return { kind: 'unsent' };
    const latest = this.seq - 1;
    // BURST8: the receiver knows only the low 8 bits (it has not heard our announce)
    const behind = ack.burst8 ? (latest - ack.burst) & 0xff : (latest - ack.burst) & 0xffff;
    if (behind >= (ack.burst8 ? 0x80 : BURST_HALF_SPACE)) return { kind: 'unsent' };
    const seq = latest - behind;
    if (seq < first.seq) return { kind: 'stale' };
    return { kind: 'burst', seq, pos: this.positionOf(seq, ack.last) };
  }

  /** Position in burst `seq` of the DATA frame (block, shard); Infinity when unknown (the ack saw all of it). */
  private positionOf(seq: number, last: { block: number; shard: number } | undefined): number {
    if (!last) return Infinity;
    const x = this.history.find((b) => b.seq === seq)?.shards.get(last.block);
    if (!x) return Infinity;
    const space = Math.min(SHARD_INDEX_SPACE, this.codec.maxShards);
    for (let j = 0; j < x.n; j++) if ((x.start + j) % space === last.shard) return x.pos + j;
    return Infinity;
  }

  /**
   * The first time `station` answers burst `seq`: the estimated end of that burst's key-up, for
   * learning how late answers come (undefined for later answers to the same burst).
   */
  firstAnswer(station: string, seq: number): number | undefined {
    const b = this.history.find((x) => x.seq === seq);
    if (!b || b.timed.has(station)) return undefined;
    b.timed.add(station);
    return b.txEndAt;
  }

  /** Whether an ack naming burst `seq` answers the latest burst (the current round). */
  isCurrent(seq: number): boolean {
    return seq === this.seq - 1;
  }

  /** Frames sent to `r` in bursts it has not yet accounted for, up to `seq` (for the loss estimate). */
  framesUpTo(r: ReceiverState, seq: number, pos = Infinity): number {
    // a frame counts if it lies after (observedSeq, observedPos) and up to (seq, pos); positions
    // are DATA positions, the burst's leading ANNOUNCE counting with its first DATA frame
    let n = 0;
    const upTo = (b: BurstRecord, p: number) => (p === Infinity ? b.frames : Math.min(b.frames, b.frames - b.data + p + 1));
    for (const b of this.history) {
      if (b.seq < r.observedSeq || b.seq > seq) continue;
      const from = b.seq === r.observedSeq ? (r.observedPos === Infinity ? b.frames : upTo(b, r.observedPos)) : 0;
      const to = b.seq === seq ? upTo(b, pos) : b.frames;
      n += Math.max(0, to - from);
    }
    return n;
  }


  /** Shards receiver `r` still needs, over all blocks, as far as we know. */
  private totalNeed(r: ReceiverState): number {
    let n = 0;
    for (let b = 0; b < this.plan.blockCount; b++) {
      if (bitmapGet(r.progress.completeBlocks, b)) continue;
      n += r.needs.get(b) ?? blockRange(this.plan, b).k;
    }
    return n;
  }

  /**
   * Apply an ack from `station`: returns what changed for that receiver, the burst it has seen,
   * and the frames it accounts for.
   * `sent`: frames of ours this ack answers (since the last ack we took, up to its position);
   * `heardAtLeast`: shards the receiver gained since that ack, from its needs: a lower bound on the
   * frames it heard that holds even when an ack between was lost (its `heard` counter then counts
   * only what came after the lost ack).
   */
  onAck(station: string, ack: AckFrame): { result: 'ignored' | 'unsent' | 'stale' | 'progress' | 'done' | 'rejected' | 'mismatch'; covered: number; sent: number; heardAtLeast: number } {
    const before = this.receivers.get(station);
    const needBefore = before && !before.progress.done && !before.rejected ? this.totalNeed(before) : 0;
    const out = this.takeAck(station, ack);
    const r = this.receivers.get(station);
    const heardAtLeast = out.sent > 0 && r && (out.result === 'progress' || out.result === 'done') ? Math.max(0, needBefore - (out.result === 'done' ? 0 : this.totalNeed(r))) : 0;
    return { ...out, heardAtLeast };
  }

  private takeAck(station: string, ack: AckFrame): { result: 'ignored' | 'unsent' | 'stale' | 'progress' | 'done' | 'rejected' | 'mismatch'; covered: number; sent: number } {
    const r = this.receivers.get(station);
    if (!r || r.progress.done || r.rejected) return { result: 'ignored', covered: -1, sent: 0 };
    const place = this.place(ack);
    // an ack for a burst never sent (forged, replayed from before a restart, or corrupt) changes nothing
    if (place.kind === 'unsent') return { result: 'unsent', covered: -1, sent: 0 };
    if (place.kind === 'stale') {
      // older than every burst we remember: only what stays true is taken
      if (ack.complete || ack.rejected) return { result: this.apply(r, ack, -1), covered: -1, sent: 0 };
      return { result: 'stale', covered: -1, sent: 0 };
    }
    const covered = place.seq;
    const sent = this.framesUpTo(r, covered, place.pos);
    if (covered > r.observedSeq || (covered === r.observedSeq && place.pos > r.observedPos)) {
      r.observedSeq = covered;
      r.observedPos = place.pos;
    }
    return { result: this.apply(r, ack, covered, place.pos), covered, sent };
  }

  private apply(r: ReceiverState, ack: AckFrame, covered: number, pos = Infinity): 'progress' | 'done' | 'rejected' | 'mismatch' {
    r.misses = 0;
    // an ack older than what we already know says nothing new about needs
    const fresh = covered >= 0 && (covered > r.coveredSeq || (covered === r.coveredSeq && pos >= r.coveredPos));
    if (fresh) {
      r.coveredSeq = covered;
      r.coveredPos = pos;
    }
    if (ack.rejected) {
      r.rejected = true;
      return 'rejected';
    }
    if (ack.hashMismatch && fresh) {
      if (++r.mismatches >= MAX_HASH_MISMATCHES) r.rejected = true;
      r.progress.completeBlocks = emptyBitmap(this.plan.blockCount);
      r.progress.known = false;
      r.needs.clear();
      return 'mismatch';
    }
    if (fresh && r.progress.known && !ack.known && !ack.complete) {
      // the receiver lost its state (evicted under its caps, or restarted without a queue): start
      // over from what this ack reports, announce again
      r.progress.completeBlocks = emptyBitmap(this.plan.blockCount);
      r.progress.known = false;
      r.needs.clear();
    }
    r.progress.known ||= ack.known;
    if (ack.complete) {
      r.progress.done = true;
      if (ack.receipt) r.progress.receipt = ack.receipt;
      for (let b = 0; b < this.plan.blockCount; b++) bitmapSet(r.progress.completeBlocks, b);
      return 'done';
    }
    for (let b = 0; b < Math.min(ack.base, this.plan.blockCount); b++) bitmapSet(r.progress.completeBlocks, b);
    if (fresh) {
      r.needs.clear();
      // the newest ack is the receiver's truth: a block it does not report complete is not (it may
      // have lost state under its caps); blocks it holds are always within the reported entries
      for (let b = ack.base + ack.needs.length; b < this.plan.blockCount; b++) bitmapClear(r.progress.completeBlocks, b);
    }
    ack.needs.forEach((need, i) => {
      const b = ack.base + i;
      if (b >= this.plan.blockCount) return;
      if (need === 0) bitmapSet(r.progress.completeBlocks, b);
      else if (fresh) {
        r.needs.set(b, need);
        bitmapClear(r.progress.completeBlocks, b);
      }
    });
    return 'progress';
  }

  /** Whether receiver `r` has acknowledged every block (only its final ack may be missing). */
  holdsAll(r: ReceiverState): boolean {
    for (let b = 0; b < this.plan.blockCount; b++) if (!bitmapGet(r.progress.completeBlocks, b)) return false;
    return true;
  }

  /** Blocks acknowledged by every receiver (for progress reports). */
  blocksCompleteForAll(): number {
    let n = 0;
    for (let b = 0; b < this.plan.blockCount; b++) if ([...this.receivers.values()].every((r) => r.rejected || bitmapGet(r.progress.completeBlocks, b))) n++;
    return n;
  }
}
