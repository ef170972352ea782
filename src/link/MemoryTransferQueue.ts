/**
 * The in-memory {@link TransferQueue}: for tests, the demo and stations that need no persistence.
 * Same contract and bounds as the SQLite queue, except that nothing survives the process.
 */
import { bytesSource, type PayloadSource } from './PayloadSource.js';
import { linkError } from './errors.js';
import {
  MAX_COMPLETED_MEMORY,
  MAX_INBOUND_TRANSFERS,
  MAX_OUTBOUND_TRANSFERS,
  emptyBitmap,
  nextTransferId,
  type CompletedInbound,
  type InboundRecord,
  type NewOutbound,
  type OutboundRecord,
  type ReceiverProgress,
  type TransferQueue,
} from './TransferQueue.js';
import { planFromGeometry } from '../fec/blockPlan.js';

const key = (from: string, id: number) => `${from}\u0000${id}`;

function cloneProgress(p: ReceiverProgress): ReceiverProgress {
  return { ...p, completeBlocks: p.completeBlocks.slice(), ...(p.receipt ? { receipt: p.receipt.slice() } : {}) };
}

export class MemoryTransferQueue implements TransferQueue {
  private outbound = new Map<number, { rec: OutboundRecord; payload: Uint8Array }>();
  private lastId = 0;
  private inbound = new Map<string, { rec: InboundRecord; blocks: Map<number, Uint8Array> }>();
  private completed = new Map<string, CompletedInbound>();

  addOutbound(rec: NewOutbound, payload: PayloadSource): OutboundRecord {
    if (this.outbound.size >= MAX_OUTBOUND_TRANSFERS) throw linkError('RS_ERR_LINK_QUEUE_FULL', `outbound queue holds ${MAX_OUTBOUND_TRANSFERS} transfers`);
    const id = nextTransferId(this.lastId, new Set(this.outbound.keys()));
    this.lastId = id;
    const blocks = planFromGeometry(rec.size, rec.shardSize, rec.k).blockCount;
    const full: OutboundRecord = {
      ...rec,
      id,
      to: [...rec.to],
      hash: rec.hash.slice(),
      receivers: rec.to.map((station) => ({ station, known: false, done: false, completeBlocks: emptyBitmap(blocks) })),
      nextShard: new Map(),
    };
    this.outbound.set(id, { rec: full, payload: payload.read(0, payload.size).slice() });
    return this.cloneOut(full);
  }

  private cloneOut(r: OutboundRecord): OutboundRecord {
    return { ...r, to: [...r.to], hash: r.hash.slice(), receivers: r.receivers.map(cloneProgress), nextShard: new Map(r.nextShard) };
  }

  listOutbound(): OutboundRecord[] {
    return [...this.outbound.values()].map((o) => this.cloneOut(o.rec));
  }

  outboundPayload(id: number): PayloadSource {
    const o = this.outbound.get(id);
    if (!o) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `no outbound transfer ${id}`);
    return bytesSource(o.payload);
  }

  updateReceiver(id: number, progress: ReceiverProgress): void {
    const o = this.outbound.get(id);
    if (!o) return;
    o.rec.receivers = o.rec.receivers.map((r) => (r.station === progress.station ? cloneProgress(progress) : r));
  }

  saveNextShard(id: number, nextShard: Map<number, number>): void {
    const o = this.outbound.get(id);
    if (o) o.rec.nextShard = new Map(nextShard);
  }

  removeOutbound(id: number): void {
    this.outbound.delete(id);
  }

  getInbound(from: string, id: number): InboundRecord | undefined {
    const i = this.inbound.get(key(from, id));
    return i ? { ...i.rec } : undefined;
  }

  listInbound(): InboundRecord[] {
    return [...this.inbound.values()].map((i) => ({ ...i.rec }));
  }

  putInbound(rec: InboundRecord): void {
    const k = key(rec.from, rec.id);
    const cur = this.inbound.get(k);
    if (cur) {
      cur.rec = { ...rec };
      return;
    }
    if (this.inbound.size >= MAX_INBOUND_TRANSFERS) {
      let oldest: string | undefined;
      let at = Infinity;
      for (const [kk, v] of this.inbound) if (v.rec.updatedAt < at) [oldest, at] = [kk, v.rec.updatedAt];
      if (oldest !== undefined) this.inbound.delete(oldest);
    }
    this.inbound.set(k, { rec: { ...rec }, blocks: new Map() });
  }

  putInboundBlock(from: string, id: number, block: number, data: Uint8Array): void {
    this.inbound.get(key(from, id))?.blocks.set(block, data.slice());
  }

  inboundBlocks(from: string, id: number): Set<number> {
    return new Set(this.inbound.get(key(from, id))?.blocks.keys() ?? []);
  }

  inboundPayload(from: string, id: number): PayloadSource {
    const i = this.inbound.get(key(from, id));
    if (!i || i.rec.size === undefined || i.rec.shardSize === undefined || i.rec.k === undefined) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `no complete inbound transfer ${from}/${id}`);
    const blockBytes = i.rec.k * i.rec.shardSize;
    const size = i.rec.size;
    return {
      size,
      read(offset, len) {
        const out = new Uint8Array(len);
        let o = 0;
        while (o < len) {
          const pos = offset + o;
          const b = Math.floor(pos / blockBytes);
          const data = i.blocks.get(b);
          if (!data) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `block ${b} missing`);
          const within = pos - b * blockBytes;
          const n = Math.min(len - o, data.length - within);
          out.set(data.subarray(within, within + n), o);
          o += n;
        }
        return out;
      },
    };
  }

  removeInbound(from: string, id: number): void {
    this.inbound.delete(key(from, id));
  }

  putCompleted(c: CompletedInbound): void {
    const k = key(c.from, c.id);
    this.completed.delete(k);
    this.completed.set(k, { ...c });
    while (this.completed.size > MAX_COMPLETED_MEMORY) this.completed.delete(this.completed.keys().next().value!);
  }

  getCompleted(from: string, id: number): CompletedInbound | undefined {
    const c = this.completed.get(key(from, id));
    return c ? { ...c } : undefined;
  }

  close(): void {}
}
