/**
 * The one airtime model: arithmetic for AX.25 UI frames over a half-duplex packet channel, read by
 * the link (its timers), the schedule (budgets, bursts), the sync layer (previews, status) and the
 * benchmarks. Pure functions of sizes and link parameters; defaults from radioDefaults.ts; every figure is from docs/radio-facts.md (AX.25 v2.2 spec, Dire Wolf's
 * "Why is 9600 only twice as fast as 1200").
 *
 * One frame on air (no digipeaters):
 *
 *   +------+-------+--------+------+-----+-------------+-----+------+
 *   | flag | dest  | source | ctrl | PID | info (P B)  | FCS | flag |
 *   |  1   |   7   |   7    |  1   |  1  |     P       |  2  |  1   |
 *   +------+-------+--------+------+-----+-------------+-----+------+
 *     overhead H = 20 bytes; each digipeater in the path adds 7; HDLC bit stuffing adds ~1/62.
 *
 * One burst (one key-up):  TXDELAY | frame | frame | ... | TXTAIL
 * A turnaround (the other station answers) costs channel access + TXDELAY + TXTAIL again.
 */

import { AX25_DIGIPEATER_BYTES, AX25_FRAME_OVERHEAD_BYTES, BIT_STUFFING, RADIO_DEFAULTS } from './radioDefaults.js';

export { AX25_DIGIPEATER_BYTES, AX25_FRAME_OVERHEAD_BYTES, BIT_STUFFING } from './radioDefaults.js';
const DEFAULT_TXDELAY_MS = RADIO_DEFAULTS.txDelayMs;
const DEFAULT_TXTAIL_MS = RADIO_DEFAULTS.txTailMs;
const DEFAULT_PERSISTENCE = RADIO_DEFAULTS.persistence;
const DEFAULT_SLOT_MS = RADIO_DEFAULTS.slotMs;
/** Fixed per-transfer cost in the airtime bound T*: one ack turnaround of about 0.3 s. */
export const BOUND_TURNAROUND_S = 0.3;

/** The link parameters airtime depends on. */
export interface LinkParams {
  /** Radio bit rate on air, bit/s (300..9600). */
  bitrate: number;
  /** Key-up before data, ms. */
  txDelayMs?: number;
  /** Carrier held after the last frame, ms. */
  txTailMs?: number;
  /** KISS p-persistence 0..255. */
  persistence?: number;
  /** KISS slot time, ms. */
  slotMs?: number;
  /** Digipeaters in the path (each adds 7 bytes per frame). */
  digipeaters?: number;
  /** Bit-stuffing expansion (default 1/62; 0 for IL2P, which scrambles instead). */
  stuffing?: number;
}

function frameOverhead(link: LinkParams): number {
  return AX25_FRAME_OVERHEAD_BYTES + AX25_DIGIPEATER_BYTES * (link.digipeaters ?? 0);
}

/** Airtime in ms of one UI frame carrying `payloadBytes` of info field. */
export function frameAirtimeMs(payloadBytes: number, link: LinkParams): number {
  const s = link.stuffing ?? BIT_STUFFING;
  return ((8 * (payloadBytes + frameOverhead(link)) * (1 + s)) / link.bitrate) * 1000;
}

/** Airtime in ms of one key-up sending frames with the given info-field sizes: TXDELAY + frames + TXTAIL. */
export function burstAirtimeMs(payloadSizes: readonly number[], link: LinkParams): number {
  if (payloadSizes.length === 0) return 0;
  let t = (link.txDelayMs ?? DEFAULT_TXDELAY_MS) + (link.txTailMs ?? DEFAULT_TXTAIL_MS);
  for (const p of payloadSizes) t += frameAirtimeMs(p, link);
  return t;
}

/** Info-field sizes of `bytes` split into frames of at most `frameBytes` (the last one shorter). */
export function splitIntoFrames(bytes: number, frameBytes: number): number[] {
  if (bytes <= 0) return [];
  const n = Math.ceil(bytes / frameBytes);
  const out = new Array<number>(n).fill(frameBytes);
  out[n - 1] = bytes - frameBytes * (n - 1);
  return out;
}

/**
 * Expected wait in ms for channel access on a clear channel with KISS p-persistence: each slot the
 * TNC transmits with probability p = (P+1)/256, so it waits (1−p)/p slots on average.
 */
export function expectedAccessMs(link: LinkParams): number {
  const p = ((link.persistence ?? DEFAULT_PERSISTENCE) + 1) / 256;
  return ((1 - p) / p) * (link.slotMs ?? DEFAULT_SLOT_MS);
}

/**
 * Cost in ms of one transmit/receive turnaround: channel access + TXDELAY + TXTAIL (≈ 0.6–0.65 s with
 * the defaults; docs/radio-facts.md quotes about 0.6 s).
 */
export function turnaroundMs(link: LinkParams): number {
  return expectedAccessMs(link) + (link.txDelayMs ?? DEFAULT_TXDELAY_MS) + (link.txTailMs ?? DEFAULT_TXTAIL_MS);
}

/**
 * The largest total info-field byte count that fits in one key-up of at most `airtimeMs`, sent in
 * frames of `frameBytes` (whole frames plus one shorter tail frame). 0 when even TXDELAY+TXTAIL does not fit.
 */
export function bytesForAirtime(airtimeMs: number, frameBytes: number, link: LinkParams): number {
  const fixed = (link.txDelayMs ?? DEFAULT_TXDELAY_MS) + (link.txTailMs ?? DEFAULT_TXTAIL_MS);
  let left = airtimeMs - fixed;
  if (left <= 0) return 0;
  const full = frameAirtimeMs(frameBytes, link);
  const whole = Math.floor(left / full);
  left -= whole * full;
  // a tail frame of t bytes costs frameAirtimeMs(t) = (t + H)·k; solve for t
  const perByte = frameAirtimeMs(1, link) - frameAirtimeMs(0, link);
  const tail = Math.max(0, Math.floor((left - frameAirtimeMs(0, link)) / perByte));
  let total = whole * frameBytes + Math.min(tail, frameBytes - 1);
  // guard against floating-point rounding at the edge
  while (total > 0 && burstAirtimeMs(splitIntoFrames(total, frameBytes), link) > airtimeMs) total--;
  return total;
}

/**
 * The erasure-channel goodput bound in bytes/s: (1−p)·(R/8)·P/(P+H)/(1+s). No scheme beats it.
 */
export function goodputBound(payloadBytes: number, loss: number, link: LinkParams): number {
  const s = link.stuffing ?? BIT_STUFFING;
  return ((1 - loss) * (link.bitrate / 8) * payloadBytes) / (payloadBytes + frameOverhead(link)) / (1 + s);
}

/**
 * The airtime bound T* in ms for moving `bytes` of payload over frames of `payloadBytes` at frame loss
 * `loss`: T* = 8·S·(P+H)·(1+s) / (P·(1−p)·R) + 0.3 s. Benchmarks quote their airtime as a ratio to it.
 */
export function airtimeBoundMs(bytes: number, payloadBytes: number, loss: number, link: LinkParams): number {
  if (!(loss >= 0 && loss < 1)) throw new RangeError(`loss must be in [0, 1): ${loss}`);
  const s = link.stuffing ?? BIT_STUFFING;
  const seconds =
    (8 * bytes * (payloadBytes + frameOverhead(link)) * (1 + s)) / (payloadBytes * (1 - loss) * link.bitrate) +
    BOUND_TURNAROUND_S;
  return seconds * 1000;
}

/** ETA in ms of `bytes` at a link rate in bytes per second (Infinity when the rate is 0). */
export function etaMs(bytes: number, bytesPerSecond: number): number {
  if (bytes <= 0) return 0;
  if (!(bytesPerSecond > 0)) return Number.POSITIVE_INFINITY;
  return (bytes / bytesPerSecond) * 1000;
}
