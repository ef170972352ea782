/**
 * The resumable transfer queue: everything the link must remember across a kill -9 and restart.
 *
 * Outbound: each transfer's payload (copied in at enqueue, read back block by block), its
 * destinations, priority and expiry, what each receiver has acknowledged (a bitmap of complete
 * blocks) and the next new shard index per block (so a restarted sender keeps sending *new* parity).
 * Inbound: each partial transfer's descriptor and its completed blocks (durable before they are
 * acknowledged), plus a bounded memory of completed transfers and their receipts, so a lost final
 * ack can be answered again without the payload.
 *
 * Two implementations pass test/link/transferQueueCompliance.ts: {@link MemoryTransferQueue}
 * (src/link/MemoryTransferQueue.ts) and the SQLite one (src/store/sqliteTransferQueue.ts).
 * All methods are synchronous (the SQLite driver is): the link engine stays a plain state machine.
 */
import { linkError } from './errors.js';
import type { PayloadSource } from './PayloadSource.js';

/** Most outbound transfers queued at once: 1024 (enqueue beyond it fails with RS_ERR_LINK_QUEUE_FULL). */
export const MAX_OUTBOUND_TRANSFERS = 1024;
/** Most partial inbound transfers kept: 32; the least recently active is evicted beyond it. */
export const MAX_INBOUND_TRANSFERS = 32;
/** Completed inbound transfers remembered (to replay a lost final ack with its receipt): 256. */
export const MAX_COMPLETED_MEMORY = 256;

export interface ReceiverProgress {
  station: string;
  /** The receiver has the ANNOUNCE (size, geometry, hash). */
  known: boolean;
  /** Reassembled and hash verified; `receipt` is what its final ack carried. */
  done: boolean;
  receipt?: Uint8Array;
  /** Bit b set = block b acknowledged complete. */
  completeBlocks: Uint8Array;
}

export interface OutboundRecord {
  id: number;
  to: string[];
  priority: number;
  /** Epoch ms, or null for never. */
  expiresAt: number | null;
  createdAt: number;
  size: number;
  shardSize: number;
  k: number;
  hash: Uint8Array;
  receivers: ReceiverProgress[];
  /** Next shard index to send, per block that has been sent at all (block → index). */
  nextShard: Map<number, number>;
}

export type NewOutbound = Omit<OutboundRecord, 'id' | 'receivers' | 'nextShard'>;

export interface InboundRecord {
  from: string;
  id: number;
  /** Descriptor fields: undefined until the ANNOUNCE is heard (shardSize may come from DATA). */
  size?: number;
  shardSize?: number;
  k?: number;
  hash?: Uint8Array;
  /** Group transfers: receivers in ack-slot order. */
  receivers?: string[];
  updatedAt: number;
}

export interface CompletedInbound {
  from: string;
  id: number;
  hash: Uint8Array;
  receipt?: Uint8Array;
  completedAt: number;
}

export interface TransferQueue {
  // ---- outbound
  /** Store a new transfer and a copy of its payload; assigns a 16-bit id not in use. */
  addOutbound(rec: NewOutbound, payload: PayloadSource): OutboundRecord;
  /** Every queued outbound transfer, with its progress. */
  listOutbound(): OutboundRecord[];
  /** The stored payload of an outbound transfer. */
  outboundPayload(id: number): PayloadSource;
  updateReceiver(id: number, progress: ReceiverProgress): void;
  saveNextShard(id: number, nextShard: Map<number, number>): void;
  removeOutbound(id: number): void;

  // ---- inbound
  getInbound(from: string, id: number): InboundRecord | undefined;
  listInbound(): InboundRecord[];
  /** Create or update the descriptor of a partial inbound transfer. */
  putInbound(rec: InboundRecord): void;
  /** Durably store a reassembled block (k·shardSize bytes, padding included). */
  putInboundBlock(from: string, id: number, block: number, data: Uint8Array): void;
  inboundBlocks(from: string, id: number): Set<number>;
  /** The reassembled payload (size bytes) read from the stored blocks. */
  inboundPayload(from: string, id: number): PayloadSource;
  removeInbound(from: string, id: number): void;

  // ---- completed inbound (bounded memory)
  putCompleted(c: CompletedInbound): void;
  getCompleted(from: string, id: number): CompletedInbound | undefined;

  close(): void;
}

/** Bitmap helpers for ReceiverProgress.completeBlocks. */
export function bitmapGet(map: Uint8Array, i: number): boolean {
  return ((map[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
}

export function bitmapSet(map: Uint8Array, i: number): void {
  map[i >> 3]! |= 1 << (i & 7);
}

export function bitmapClear(map: Uint8Array, i: number): void {
  if (i >> 3 < map.length) map[i >> 3]! &= ~(1 << (i & 7));
}

export function emptyBitmap(bits: number): Uint8Array {
  return new Uint8Array(Math.ceil(bits / 8));
}

/** Lowest free 16-bit id after `last`, skipping those in use (RS_ERR_LINK_QUEUE_FULL if all 65536 are taken). */
export function nextTransferId(last: number, inUse: Set<number>): number {
  for (let i = 1; i <= 0x10000; i++) {
    const id = (last + i) & 0xffff;
    if (!inUse.has(id)) return id;
  }
  throw linkError('RS_ERR_LINK_QUEUE_FULL', 'all 65,536 transfer ids are in use');
}
