/**
 * KISS framing for the test channel: its own small codec, written from the KISS description
 * (K3MC/KA9Q 1987), not shared with src/framing, so that a framing bug cannot hide in both.
 *
 *   FEND | type | data, with FEND → FESC TFEND and FESC → FESC TFESC | FEND
 *   type = port << 4 | command      command 0 data, 1 TXDELAY, 2 P, 3 SlotTime, 4 TXtail,
 *                                    5 FullDuplex, 6 SetHardware; 0xFF (whole byte) = leave KISS
 *
 * The decoder is a push parser: `push(chunk)` returns the complete frames (type byte first) and
 * counts what it had to drop. Frames longer than `maxFrameBytes` and frames with a bad escape are
 * dropped whole, never truncated.
 */
export const FEND = 0xc0;
export const FESC = 0xdb;
export const TFEND = 0xdc;
export const TFESC = 0xdd;

/** Default bound on one decoded frame (type byte included), bytes: Dire Wolf's AX25_MAX_PACKET_LEN is about 2 KB. */
export const KISS_MAX_FRAME_BYTES = 4096;

/** `C0 <type> <escaped data> C0`. */
export function kissEncode(type: number, data: Uint8Array): Uint8Array {
  const out: number[] = [FEND, type & 0xff];
  for (const b of data) {
    if (b === FEND) out.push(FESC, TFEND);
    else if (b === FESC) out.push(FESC, TFESC);
    else out.push(b);
  }
  out.push(FEND);
  return Uint8Array.from(out);
}

export interface KissDecoderCounters {
  /** Frames dropped because they grew past the bound. */
  oversize: number;
  /** Frames dropped because FESC was followed by something other than TFEND/TFESC. */
  badEscape: number;
}

export class KissDecoder {
  readonly counters: KissDecoderCounters = { oversize: 0, badEscape: 0 };
  private buf: number[] = [];
  private inFrame = false;
  private escaped = false;
  private bad = false;

  constructor(private readonly maxFrameBytes: number = KISS_MAX_FRAME_BYTES) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const b of chunk) {
      if (b === FEND) {
        if (this.inFrame && this.buf.length > 0 && !this.bad) frames.push(Uint8Array.from(this.buf));
        this.buf = [];
        this.inFrame = true;
        this.escaped = false;
        this.bad = false;
        continue;
      }
      if (!this.inFrame || this.bad) continue;
      let v = b;
      if (this.escaped) {
        this.escaped = false;
        if (b === TFEND) v = FEND;
        else if (b === TFESC) v = FESC;
        else {
          this.counters.badEscape++;
          this.bad = true;
          continue;
        }
      } else if (b === FESC) {
        this.escaped = true;
        continue;
      }
      if (this.buf.length >= this.maxFrameBytes) {
        this.counters.oversize++;
        this.bad = true;
        this.buf = [];
        continue;
      }
      this.buf.push(v);
    }
    return frames;
  }
}
