/**
 * KISS framing (Chepponis & Karn, "The KISS TNC", 1987) between a host and a TNC.
 *
 *   +------+-----------------+------------------------------------+------+
 *   | FEND | type byte       | data, escaped                      | FEND |
 *   | 0xC0 | port<<4 | cmd   | 0..maxFrameBytes-1 bytes unescaped | 0xC0 |
 *   +------+-----------------+------------------------------------+------+
 *
 *   type byte: high nibble = port 0-15, low nibble = command:
 *     0 Data        data = one AX.25 frame without FCS (flags and FCS are the TNC's job)
 *     1 TXDELAY     data = 1 byte, key-up delay in 10 ms units
 *     2 P           data = 1 byte, p-persistence 0-255 (transmit with probability (P+1)/256)
 *     3 SlotTime    data = 1 byte, in 10 ms units
 *     4 TXtail      data = 1 byte, in 10 ms units
 *     5 FullDuplex  data = 1 byte, 0 = half duplex, anything else = full duplex
 *     6 SetHardware data = vendor specific (e.g. Dire Wolf "TXBUF:")
 *   the whole type byte 0xFF (no port, no data) = Return: leave KISS mode.
 *
 *   escaping inside the frame, type byte included (port 12 data = 0xC0 would otherwise be FEND):
 *                               0xC0 FEND -> 0xDB 0xDC (FESC TFEND)
 *                               0xDB FESC -> 0xDB 0xDD (FESC TFESC)
 *
 * Decoding rules (the spec, quoted where it speaks):
 * - Bytes before the first FEND are garbage (e.g. TNC text before `KISS ON`): skipped and counted.
 * - "Receipt of a FEND character marks the end of the frame"; back-to-back FENDs are empty
 *   frames and are ignored (senders use them to flush line noise).
 * - "Receipt of any character other than TFESC or TFEND while in escaped mode is an error": the
 *   whole frame is dropped and its bytes counted as garbage (we never yield partial data).
 * - Unknown commands, and parameter commands 1-5 whose data is not exactly one byte, are garbage.
 * - A frame longer than `maxFrameBytes` is dropped (counted in `oversized` and as garbage) and the
 *   decoder resynchronises at the next FEND; it never buffers more than `maxFrameBytes`.
 *
 * Hand-written: the framing is the project's heart and a 100-line state machine; the npm KISS
 * packages are stream wrappers without bounds or garbage accounting.
 */
import { makeError } from '../errors/RadiosyncError.js';
import { FRAMING_ERRORS } from './errors.js';

/** Frame End: starts and ends every frame. */
export const FEND = 0xc0;
/** Frame Escape: the next byte is TFEND or TFESC. */
export const FESC = 0xdb;
/** Transposed FEND: FESC TFEND stands for a data byte 0xC0. */
export const TFEND = 0xdc;
/** Transposed FESC: FESC TFESC stands for a data byte 0xDB. */
export const TFESC = 0xdd;

export const KissCommand = {
  Data: 0,
  TxDelay: 1,
  Persistence: 2,
  SlotTime: 3,
  TxTail: 4,
  FullDuplex: 5,
  SetHardware: 6,
  Return: 0xff,
} as const;

export interface KissFrame {
  /** TNC port 0-15 (the high nibble). 0 for Return. */
  port: number;
  /** One of {@link KissCommand}. */
  command: number;
  data: Uint8Array;
}

/** Highest KISS port: the type byte's high nibble. */
export const MAX_KISS_PORT = 15;

/**
 * Default bound on one decoded KISS frame: unescaped bytes between the FENDs, type byte included.
 * 4096 holds the largest AX.25 frame radiosync accepts (MAX_AX25_FRAME_BYTES, 2120 bytes) with
 * room to spare for TNCs that pass longer frames, while capping what a stream of line noise
 * without FENDs can make the decoder buffer.
 */
export const MAX_KISS_FRAME_BYTES = 4096;

function isParameterCommand(c: number): boolean {
  return c >= KissCommand.TxDelay && c <= KissCommand.FullDuplex;
}

function isKnownCommand(c: number): boolean {
  return (c >= KissCommand.Data && c <= KissCommand.SetHardware) || c === KissCommand.Return;
}

/** FEND, type byte, escaped data, FEND. Throws RS_ERR_KISS_BAD_ARGUMENT on a bad port or command. */
export function encodeKiss(frame: KissFrame): Uint8Array {
  const { port, command, data } = frame;
  if (!isKnownCommand(command)) {
    throw makeError(FRAMING_ERRORS, 'RS_ERR_KISS_BAD_ARGUMENT', `"command" must be a KissCommand: ${command}`, { command });
  }
  if (!Number.isInteger(port) || port < 0 || port > MAX_KISS_PORT) {
    throw makeError(FRAMING_ERRORS, 'RS_ERR_KISS_BAD_ARGUMENT', `"port" must be an integer 0-15: ${port}`, { port });
  }
  if (command === KissCommand.Return) return Uint8Array.of(FEND, KissCommand.Return, FEND);
  // The type byte is escaped like data: port 12 data is 0xC0, which must not read as FEND.
  const body = new Uint8Array(data.length + 1);
  body[0] = (port << 4) | command;
  body.set(data, 1);
  let escapes = 0;
  for (let i = 0; i < body.length; i++) if (body[i] === FEND || body[i] === FESC) escapes++;
  const out = new Uint8Array(body.length + escapes + 2);
  let o = 0;
  out[o++] = FEND;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === FEND) {
      out[o++] = FESC;
      out[o++] = TFEND;
    } else if (b === FESC) {
      out[o++] = FESC;
      out[o++] = TFESC;
    } else {
      out[o++] = b;
    }
  }
  out[o++] = FEND;
  return out;
}

export interface KissDecoderStats {
  /** Frames yielded. */
  frames: number;
  /** Bytes skipped: before the first FEND, in malformed or unknown frames, and in oversized frames. */
  garbageBytes: number;
  /** Frames dropped for exceeding `maxFrameBytes`. */
  oversized: number;
}

const enum State {
  /** Before the first FEND: everything is garbage. */
  Hunting,
  /** Inside a frame. */
  InFrame,
  /** Inside a frame, after FESC. */
  Escaped,
  /** Inside a frame that is already known bad or too long: skip to the next FEND. */
  Skipping,
}

/**
 * Streaming push decoder: feed chunks split anywhere, get complete frames. Never throws on input;
 * holds at most `maxFrameBytes` of partial frame.
 */
export class KissDecoder {
  readonly stats: KissDecoderStats = { frames: 0, garbageBytes: 0, oversized: 0 };
  private readonly maxFrameBytes: number;
  private readonly buf: Uint8Array;
  private len = 0;
  /** Raw bytes seen since the frame's opening FEND (what gets counted if the frame is garbage). */
  private rawLen = 0;
  private state: State = State.Hunting;

  constructor(opts: { maxFrameBytes?: number } = {}) {
    const max = opts.maxFrameBytes ?? MAX_KISS_FRAME_BYTES;
    if (!Number.isInteger(max) || max < 1) {
      throw makeError(FRAMING_ERRORS, 'RS_ERR_KISS_BAD_ARGUMENT', `"maxFrameBytes" must be a positive integer: ${max}`, { maxFrameBytes: max });
    }
    this.maxFrameBytes = max;
    this.buf = new Uint8Array(max);
  }

  push(chunk: Uint8Array): KissFrame[] {
    const frames: KissFrame[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === FEND) {
        if (this.state === State.InFrame) this.finish(frames);
        else if (this.state !== State.Hunting) this.stats.garbageBytes += this.rawLen;
        this.state = State.InFrame;
        this.len = 0;
        this.rawLen = 0;
        continue;
      }
      if (this.state === State.Hunting) {
        this.stats.garbageBytes++;
        continue;
      }
      this.rawLen++;
      if (this.state === State.Skipping) continue;
      let value = b;
      if (this.state === State.Escaped) {
        if (b === TFEND) value = FEND;
        else if (b === TFESC) value = FESC;
        else {
          this.state = State.Skipping; // "any character other than TFESC or TFEND while in escaped mode is an error"
          continue;
        }
        this.state = State.InFrame;
      } else if (b === FESC) {
        this.state = State.Escaped;
        continue;
      }
      if (this.len === this.maxFrameBytes) {
        this.stats.oversized++;
        this.state = State.Skipping;
        continue;
      }
      this.buf[this.len++] = value;
    }
    return frames;
  }

  private finish(frames: KissFrame[]): void {
    if (this.len === 0) return; // back-to-back FENDs
    const type = this.buf[0]!;
    const dataLen = this.len - 1;
    let frame: KissFrame | undefined;
    if (type === KissCommand.Return) {
      if (dataLen === 0) frame = { port: 0, command: KissCommand.Return, data: new Uint8Array(0) };
    } else {
      const command = type & 0x0f;
      const port = type >> 4;
      const ok = isKnownCommand(command) && (!isParameterCommand(command) || dataLen === 1);
      if (ok) frame = { port, command, data: this.buf.slice(1, this.len) };
    }
    if (frame === undefined) {
      this.stats.garbageBytes += this.rawLen;
      return;
    }
    this.stats.frames++;
    frames.push(frame);
  }
}
