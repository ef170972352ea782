/**
 * Options, defaults and bounds of {@link Link} (src/link/Link.ts). Every default is a named
 * constant with its reason.
 */
import type { Clock } from '../clock/Clock.js';
import type { ErasureCodec } from '../fec/ErasureCodec.js';
import type { AckAuthenticator } from './AckAuthenticator.js';
import { DEFAULT_MAX_PARTIAL_PER_SENDER, DEFAULT_MAX_PARTIAL_TOTAL, DEFAULT_MAX_REASSEMBLY_BYTES, type InboundCaps } from './inboundLimits.js';
import type { DeliverHandler } from './linkEvents.js';
import { MAX_INBOUND_TRANSFERS } from './TransferQueue.js';
import { linkError } from './errors.js';
import { RADIO_DEFAULTS } from '../radio/radioDefaults.js';
import type { PayloadSource } from './PayloadSource.js';
import type { TransferQueue } from './TransferQueue.js';

/** Default info-field bytes per frame (P): RADIO_DEFAULTS.frameBytes, 256, the AX.25 N1 default most TNCs accept. */
export const DEFAULT_FRAME_BYTES = RADIO_DEFAULTS.frameBytes;
/** Most frames in one burst: 255 (the ack's "heard" counter is one byte). */
export const MAX_BURST_FRAMES = 255;
/**
 * Default most frames the TNC holds at once: 64. A TNC's transmit queue is bounded (Dire Wolf 1.6
 * discards beyond 100 queued frames; hardware TNCs buffer a few kB), and what it discards is lost as
 * surely as on air. A longer key-up is fed to the TNC as its queue drains (Link.feed). Config
 * `radio.tnc_queue_frames` sets it.
 */
export const DEFAULT_TNC_QUEUE_FRAMES = RADIO_DEFAULTS.tncQueueFrames;
/**
 * Default longest burst: 60 s of airtime (≈ 30 frames of 256 bytes at 1200 bit/s, 255 at 9600).
 * Longer bursts save turnarounds but hold the channel and delay every ack and the other direction.
 */
export const DEFAULT_MAX_BURST_MS = 60_000;
/** Default silent rounds (no ack at all) before a transfer is parked: 6. */
export const DEFAULT_MAX_RETRIES = 6;
/** Default first back-off after a silent round: 2 s, doubling per retry. */
export const DEFAULT_BACKOFF_BASE_MS = 2_000;
/** Default longest back-off: 2 minutes. */
export const DEFAULT_MAX_BACKOFF_MS = 120_000;
/** Default time a parked transfer waits before trying again: 10 minutes. */
export const DEFAULT_STALLED_RETRY_MS = 600_000;
/** Default AX.25 destination of group transfers (receivers listen on it). */
export const DEFAULT_GROUP_ADDRESS = 'RSYNC';
/** CANCEL frames waiting to ride along with the next key-up: at most 16 (older ones dropped). */
export const MAX_PENDING_CANCELS = 16;

/** Peers whose loss estimate is kept: 256 (the oldest is forgotten beyond it). */
export const MAX_PEER_ESTIMATES = 256;

/** See {@link LinkOptions.mayTransmit}. */
export type MayTransmit = (to: string, now: number) => true | number | { maxFrames: number };

export interface OutgoingBurst {
  to: string;
  frames: Uint8Array[];
  /**
   * These frames continue the key-up handed over before them (a key-up longer than the TNC's queue
   * is fed in parts as it drains): they cost airtime but no TXDELAY of their own.
   */
  continued?: boolean;
}

export interface LinkOptions {
  clock: Clock;
  /** This station's name (its AX.25 callsign, e.g. "N0CALL-7"). */
  station: string;
  /** Bit rate on air, bit/s. */
  bitrate: number;
  /** Put frames on air. Calls made in one turn are one key-up. */
  transmit: (burst: OutgoingBurst) => void;
  codec?: ErasureCodec;
  queue?: TransferQueue;
  deliver?: DeliverHandler;
  /** Info-field bytes per frame (P). Default DEFAULT_FRAME_BYTES. */
  frameBytes?: number;
  maxDataShards?: number;
  windowBlocks?: number;
  maxBurstMs?: number;
  /** Most frames in one key-up, whatever the airtime allows. Default (and at most) MAX_BURST_FRAMES. */
  maxBurstFrames?: number;
  /**
   * Most frames handed to the TNC ahead of what it has sent (its transmit queue: Dire Wolf 1.6
   * discards beyond 100). A longer key-up is fed as the queue drains, by the airtime estimate.
   * Default DEFAULT_TNC_QUEUE_FRAMES (64).
   */
  tncQueueFrames?: number;
  txDelayMs?: number;
  txTailMs?: number;
  groupAddress?: string;
  maxRetries?: number;
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  stalledRetryMs?: number;
  seed?: number | string;
  authenticator?: AckAuthenticator;
  /**
   * True when the integration calls {@link Link.transmitDone} at the end of every key-up (e.g.
   * from SimRadio.onIdle, or a TNC's TXBUF report). The link then waits for that signal instead of
   * trusting its airtime estimate. Default false.
   */
  txDoneSignal?: boolean;
  /**
   * Asked before each data burst (never before acks, which are short and owed): `true` to go,
   * `{ maxFrames }` to go with at most that many frames in the key-up, acks included (an airtime budget's
   * remainder), or the clock time at which to ask again (outside a transmit window, duty cycle
   * exhausted: src/schedule). Default: always true.
   */
  mayTransmit?: MayTransmit;
  /** Partial inbound transfers held per sending station (config `limits.partial_transfers_per_sender`). Default DEFAULT_MAX_PARTIAL_PER_SENDER = 4. */
  maxPartialPerSender?: number;
  /** Partial inbound transfers held in total (config `limits.partial_transfers_total`). Default 32; clamped to MAX_INBOUND_TRANSFERS. */
  maxPartialTotal?: number;
  /** Bytes reserved for reassembly across partial transfers (config `limits.reassembly_bytes`). Default 16 MiB. */
  maxReassemblyBytes?: number;
}

/** The inbound caps from the options, validated, with their defaults (inboundLimits.ts). */
export function inboundCaps(opts: Pick<LinkOptions, 'maxPartialPerSender' | 'maxPartialTotal' | 'maxReassemblyBytes'>): InboundCaps {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `"${name}" must be an integer ≥ ${min}: ${v}`);
    return v;
  };
  return {
    maxPartialPerSender: int('maxPartialPerSender', opts.maxPartialPerSender ?? DEFAULT_MAX_PARTIAL_PER_SENDER, 1),
    maxPartialTotal: Math.min(MAX_INBOUND_TRANSFERS, int('maxPartialTotal', opts.maxPartialTotal ?? DEFAULT_MAX_PARTIAL_TOTAL, 1)),
    maxReassemblyBytes: int('maxReassemblyBytes', opts.maxReassemblyBytes ?? DEFAULT_MAX_REASSEMBLY_BYTES, 1024),
  };
}

export interface EnqueueOptions {
  to: string[];
  payload: Uint8Array | PayloadSource;
  /** Higher goes first. Default 0. */
  priority?: number;
  /** Epoch ms (clock time) after which the transfer is dropped; undefined/null for never. */
  expiresAt?: number | null;
}
