/**
 * Airtime arithmetic the link uses to size bursts and set its timers (pure). Figures from
 * docs/radio-facts.md: 20 bytes of AX.25 overhead per UI frame, bit stuffing ≈ 1/62, TXDELAY ~300 ms,
 * TXTAIL ~50 ms, p-persistence access ≈ 0.25 s on average.
 */

/** AX.25 UI overhead on air per frame, no digipeaters: flags, addresses, control, PID, FCS. */
export const AX25_OVERHEAD_BYTES = 20;
/** Average bit-stuffing expansion on random/compressed data: one bit in 62. */
export const STUFFING = 1 / 62;
/** Default TXDELAY assumed for this and other stations: 300 ms (Dire Wolf's advice). */
export const DEFAULT_TXDELAY_MS = 300;
/** Default TXTAIL: 50 ms. */
export const DEFAULT_TXTAIL_MS = 50;
/**
 * Channel-access allowance added to every wait for an answer: 1000 ms. p-persistence 63 with
 * 100 ms slots waits 0.3 s on average; this covers about the 97th percentile.
 */
export const ACCESS_ALLOWANCE_MS = 1000;
/** Ack size used to size one ack slot: 40 bytes covers an ack with ~25 block entries or a receipt. */
export const ACK_SLOT_BYTES = 40;
/** Guard added to each ack slot and to the quiet timer: 300 ms. */
export const SLOT_GUARD_MS = 300;

export function frameAirMs(infoBytes: number, bitrate: number): number {
  return (8 * (infoBytes + AX25_OVERHEAD_BYTES) * (1 + STUFFING) * 1000) / bitrate;
}

export interface RadioTiming {
  bitrate: number;
  txDelayMs: number;
  txTailMs: number;
}

/** Airtime of one key-up carrying these frames (TXDELAY + frames + TXTAIL). */
export function keyUpMs(t: RadioTiming, frameLengths: number[]): number {
  return t.txDelayMs + frameLengths.reduce((a, n) => a + frameAirMs(n, t.bitrate), 0) + t.txTailMs;
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
