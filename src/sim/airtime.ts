/**
 * Airtime arithmetic for AX.25 over HDLC (pure functions; the simulator and benchmarks use them).
 *
 * What goes on air for one frame handed to a TNC (the frame has no FCS: KISS never carries it):
 *
 * ```
 *  +------+----------------------------------+---------+------+
 *  | flag | AX.25 frame (n bytes)            | FCS (2) | flag |
 *  | 0x7E | dest(7) src(7) [digis 7 each]    | CRC-16  | 0x7E |
 *  |      | control(1) pid(1) info(n-16-7d)  | X.25    |      |
 *  +------+----------------------------------+---------+------+
 *     8 bits   8·(n+2) bits, plus one stuffed 0 after every run of 5 ones     8 bits
 * ```
 *
 * - Bits are sent least-significant first; the FCS low byte first (AX.25 v2.2 §3.8, ISO 3309).
 * - Bit stuffing: after five consecutive 1 bits in the frame+FCS the sender inserts a 0. Flags are
 *   not stuffed. {@link stuffedBitCount} counts this exactly; `'average'` mode uses the figure of
 *   docs/radio-facts.md (one bit in 62 on random or compressed data), which is what the bound T* uses.
 * - The overhead for a UI frame without digipeaters is 20 bytes: 16 address/control/PID bytes (in
 *   the frame we are given) + 2 FCS + 2 flags (added here).
 *
 * A key-up costs TXDELAY (the transmitter keys and sends flags so the receiver locks on), then the
 * frames back to back, then TXTAIL (a few flags so the last frame is not clipped when the PTT drops):
 *
 *   keyUpMs = txDelayMs + Σ frameAirtimeMs(frame_i) + txTailMs
 */
import { appendFcs } from '../framing/fcs.js';
import { BIT_STUFFING } from '../radio/radioDefaults.js';

/** FCS bytes appended to each frame on air (CRC-16/X.25). */
export const AX25_FCS_BYTES = 2;
/** HDLC flag bytes counted per frame (an opening and a closing 0x7E). */
export const HDLC_FLAG_BYTES = 2;
/** Average bit-stuffing overhead on random or compressed data (the one radio model's BIT_STUFFING, 1/62). */
export const AVERAGE_STUFFING = BIT_STUFFING;

/** `'exact'` counts stuffed bits of the actual frame and FCS; `'average'` applies 1 + 1/62. */
export type StuffingMode = 'exact' | 'average';

/** Number of bits after HDLC bit stuffing of `bytes`, sent LSB first, starting with no run of ones. */
export function stuffedBitCount(bytes: Uint8Array): number {
  let bits = 0;
  let ones = 0;
  for (const b of bytes) {
    for (let i = 0; i < 8; i++) {
      bits++;
      if ((b >> i) & 1) {
        ones++;
        if (ones === 5) {
          bits++; // the stuffed 0
          ones = 0;
        }
      } else {
        ones = 0;
      }
    }
  }
  return bits;
}

/** On-air bytes of a frame before stuffing: frame + 2 FCS + 2 flags. */
export function onAirBytes(frameLength: number): number {
  return frameLength + AX25_FCS_BYTES + HDLC_FLAG_BYTES;
}

/**
 * On-air bits of one frame: 16 flag bits + stuffed bits of frame+FCS.
 * In `'average'` mode: 16 + 8·(n+2)·(1 + 1/62) (not an integer).
 */
export function onAirBits(frame: Uint8Array, stuffing: StuffingMode = 'exact'): number {
  const flagBits = 8 * HDLC_FLAG_BYTES;
  if (stuffing === 'average') return flagBits + 8 * (frame.length + AX25_FCS_BYTES) * (1 + AVERAGE_STUFFING);
  return flagBits + stuffedBitCount(appendFcs(frame));
}

/** Milliseconds one frame occupies the channel at `bitrate` bit/s. */
export function frameAirtimeMs(frame: Uint8Array, bitrate: number, stuffing: StuffingMode = 'exact'): number {
  return (onAirBits(frame, stuffing) * 1000) / bitrate;
}

/** Milliseconds of one key-up: TXDELAY + the frames back to back + TXTAIL. */
export function keyUpAirtimeMs(
  frames: readonly Uint8Array[],
  opts: { bitrate: number; txDelayMs: number; txTailMs: number; stuffing?: StuffingMode },
): number {
  let ms = opts.txDelayMs + opts.txTailMs;
  for (const f of frames) ms += frameAirtimeMs(f, opts.bitrate, opts.stuffing);
  return ms;
}
