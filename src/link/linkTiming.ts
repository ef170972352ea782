/**
 * The link's timers (pure), over the one airtime model (src/radio/airtime.ts) and the radio
 * defaults (src/radio/radioDefaults.ts): p-persistence access ≈ 0.3 s on average (docs/radio-facts.md).
 */
import { burstAirtimeMs, frameAirtimeMs } from '../radio/airtime.js';

/**
 * Channel-access allowance added to every wait for an answer: 1000 ms. p-persistence 63 with
 * 100 ms slots waits 0.3 s on average; this covers about the 97th percentile.
 */
export const ACCESS_ALLOWANCE_MS = 1000;
/** Ack size used to size one ack slot: 40 bytes covers an ack with ~25 block entries or a receipt. */
export const ACK_SLOT_BYTES = 40;
/** Guard added to each ack slot and to the quiet timer: 300 ms. */
export const SLOT_GUARD_MS = 300;

/** Airtime of one frame of `infoBytes` info bytes, no digipeaters, average stuffing (radio/airtime.ts). */
export function frameAirMs(infoBytes: number, bitrate: number): number {
  return frameAirtimeMs(infoBytes, { bitrate });
}

export interface RadioTiming {
  bitrate: number;
  txDelayMs: number;
  txTailMs: number;
}

/** Airtime of one key-up carrying these frames (TXDELAY + frames + TXTAIL). */
export function keyUpMs(t: RadioTiming, frameLengths: number[]): number {
  return burstAirtimeMs(frameLengths, t);
}

/** Length of one ack slot: access + TXDELAY + an ack + TXTAIL + guard. */
export function ackSlotMs(t: RadioTiming): number {
  return ACCESS_ALLOWANCE_MS + t.txDelayMs + frameAirMs(ACK_SLOT_BYTES, t.bitrate) + t.txTailMs + SLOT_GUARD_MS;
}

/** Frames a receiver may miss in a row inside a burst before it decides the burst ended: 3. */
export const QUIET_FRAMES = 3;

/**
 * Silence after which a receiver decides a burst ended although it missed the EOB frame:
 * QUIET_FRAMES + 1 of the longest frames plus TXTAIL plus the guard (missing up to 3 frames in a
 * row inside a burst is not an end; at 10% loss 4 in a row happen once in 10,000 frames).
 */
export function quietMs(t: RadioTiming, maxFrameBytes: number): number {
  return (QUIET_FRAMES + 1) * frameAirMs(maxFrameBytes, t.bitrate) + t.txTailMs + SLOT_GUARD_MS;
}
