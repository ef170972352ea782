/** What a {@link Link} reports to the application. */
import type { RadiosyncError } from '../errors/RadiosyncError.js';
import type { TransferStats } from './OutboundTransfer.js';
import type { PayloadSource } from './PayloadSource.js';

/** A transfer that arrived complete with its hash verified. */
export interface InboundDelivery {
  from: string;
  transferId: number;
  size: number;
  /** The payload, readable until the `deliver` handler's promise settles. */
  source: PayloadSource;
  /** Convenience: the whole payload in memory (avoid for very large transfers). */
  bytes(): Uint8Array;
}

/**
 * The application's handler for inbound payloads. It returns (or resolves to) the receipt carried
 * by the final ack — at most MAX_RECEIPT_BYTES, e.g. the sync layer's version vector — once the
 * payload is durably applied, or undefined for none.
 */
export type DeliverHandler = (d: InboundDelivery) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

export interface DeliveredEvent {
  transferId: number;
  to: string;
  receipt?: Uint8Array;
  stats: TransferStats;
}

export interface FailedEvent {
  transferId: number;
  /** The receiver concerned, or undefined for the whole transfer. */
  to?: string;
  error: RadiosyncError;
  /** True when the transfer stays queued (gave up for now), false when it was dropped. */
  queued: boolean;
}

export interface ExpiredEvent {
  transferId: number;
  /** Receivers that had not acknowledged the whole transfer. */
  undelivered: string[];
}

export interface LinkEventMap {
  received: InboundDelivery;
  delivered: DeliveredEvent;
  failed: FailedEvent;
  expired: ExpiredEvent;
  hello: { from: string; body: Uint8Array };
}

export interface LinkStats {
  /** Frames this station put on air, and their info-field bytes. */
  framesSent: number;
  bytesSent: number;
  /** Estimated on-air bytes: info + 20 AX.25 overhead per frame, times 1 + 1/62 stuffing. */
  bytesOnAirEstimate: number;
  /** Estimated transmit airtime (TXDELAY + frames + TXTAIL per key-up), ms. */
  airtimeMsEstimate: number;
  keyUps: number;
  /** Key-ups that followed reception of another station (each costs a TX/RX switch). */
  turnarounds: number;
  dataFramesSent: number;
  acksSent: number;
  pollsSent: number;
  framesReceived: number;
  bytesReceived: number;
  /** Frames that failed to decode or contradicted a transfer's geometry (counted, never thrown). */
  badFrames: number;
  notForUs: number;
  duplicateFrames: number;
  acksReceived: number;
  /** Acks naming a burst number this station never sent (forged, replayed, or from before a restart): ignored. */
  acksUnsentBurst: number;
  /** Acks naming a burst older than the remembered history (MAX_BURST_HISTORY): needs ignored. */
  acksStale: number;
  /** Acks naming an older burst than the latest (late, duplicated, or queued behind our burst): information only. */
  acksOlder: number;
  /** ACK, ANNOUNCE or CANCEL frames with a missing or bad tag (authenticator enabled): ignored. */
  authFailures: number;
  /** DATA frames for a transfer without (verified) announce beyond the unannounced pool's bounds: dropped. */
  unannouncedDropped: number;
  /** Partial inbound transfers evicted to stay within the per-sender, total or reassembly-bytes caps. */
  partialEvicted: number;
  /** Announced transfers refused because their size alone exceeds maxReassemblyBytes (REJECTED ack). */
  reassemblyRefused: number;
  /** Outbound transfers found finished in the queue when the Link was built (retired at once). */
  retiredOnLoad: number;
  delivered: number;
  received: number;
  expired: number;
  gaveUp: number;
}

export function emptyLinkStats(): LinkStats {
  return {
    framesSent: 0,
    bytesSent: 0,
    bytesOnAirEstimate: 0,
    airtimeMsEstimate: 0,
    keyUps: 0,
    turnarounds: 0,
    dataFramesSent: 0,
    acksSent: 0,
    pollsSent: 0,
    framesReceived: 0,
    bytesReceived: 0,
    badFrames: 0,
    notForUs: 0,
    duplicateFrames: 0,
    acksReceived: 0,
    acksUnsentBurst: 0,
    acksStale: 0,
    acksOlder: 0,
    authFailures: 0,
    unannouncedDropped: 0,
    partialEvicted: 0,
    reassemblyRefused: 0,
    retiredOnLoad: 0,
    delivered: 0,
    received: 0,
    expired: 0,
    gaveUp: 0,
  };
}
