/**
 * Bounds on what other stations can make a receiver hold, and the choice of what to evict when a
 * new partial inbound transfer would pass them. Defaults match src/config/schema.ts [limits]
 * (`partial_transfers_per_sender`, `partial_transfers_total`, `reassembly_bytes`); the station
 * passes its configured values through {@link LinkOptions}.
 *
 * Two kinds of partial transfer:
 * - **announced**: its ANNOUNCE was heard (and, with an authenticator, its tag for this station
 *   verified). It reserves its announced size against the reassembly-bytes cap.
 * - **unannounced**: DATA arrived before any (verified) ANNOUNCE. Kept only in a small pool —
 *   MAX_UNANNOUNCED_PER_SENDER per sender, MAX_UNANNOUNCED_TOTAL in all, MAX_UNANNOUNCED_BYTES
 *   each — that never pushes out an announced transfer and is evicted first. Beyond it DATA is
 *   dropped and counted (`unannouncedDropped`). With an authenticator, no ack is ever sent for an
 *   unannounced transfer (a spoofer cannot make the station transmit).
 */
import type { InboundTransfer } from './InboundTransfer.js';

/** Default partial inbound transfers per sending station: 4 (config `limits.partial_transfers_per_sender`). */
export const DEFAULT_MAX_PARTIAL_PER_SENDER = 4;
/**
 * Default partial inbound transfers in total, announced and unannounced: 32 (config
 * `limits.partial_transfers_total`; also the transfer queues' own ceiling, MAX_INBOUND_TRANSFERS,
 * to which larger values are clamped).
 */
export const DEFAULT_MAX_PARTIAL_TOTAL = 32;
/** Default bytes reserved for reassembly across partial transfers: 16 MiB (config `limits.reassembly_bytes`). */
export const DEFAULT_MAX_REASSEMBLY_BYTES = 16 * 1024 * 1024;
/** Unannounced partial transfers per sender: 1 (a sender's announce normally opens its first burst). */
export const MAX_UNANNOUNCED_PER_SENDER = 1;
/** Unannounced partial transfers in total: 4. */
export const MAX_UNANNOUNCED_TOTAL = 4;
/**
 * Bytes held (buffered shards + stored blocks) per unannounced transfer: 64 KiB, about one first
 * burst at 9600 bit/s (255 frames of 256 bytes) — enough that a receiver that lost only the
 * ANNOUNCE keeps the burst's shards; a spoofed DATA stream cannot make it store more.
 */
export const MAX_UNANNOUNCED_BYTES = 64 * 1024;

export interface InboundCaps {
  maxPartialPerSender: number;
  maxPartialTotal: number;
  maxReassemblyBytes: number;
}

/** Bytes a partial transfer counts against the reassembly cap: its announced size, or what it holds. */
export function reservedBytes(it: InboundTransfer): number {
  return it.known ? Math.max(it.rec.size!, it.heldBytes) : it.heldBytes;
}

/** Eviction order: unannounced transfers first, then the least recently active. */
export function evictionOrder(candidates: InboundTransfer[]): InboundTransfer[] {
  return [...candidates].sort((a, b) => Number(a.known) - Number(b.known) || a.rec.updatedAt - b.rec.updatedAt);
}
