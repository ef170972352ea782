/**
 * Length-prefixed frames over a {@link ByteStream} (docs/protocol.md §7.1):
 *
 *   offset  size  field
 *   0       4     L: length of the body, big-endian u32
 *   4       L     body
 *
 * A push decoder: chunks go in as they arrive; `next(max, timeoutMs)` resolves with the next
 * whole body. A length above `max` is refused as soon as its 4 bytes are in, before any body byte
 * is kept (RS_ERR_ONLINE_FRAME_TOO_LARGE); the stream is paused while more than
 * {@link MAX_BUFFERED_BYTES} wait unread, so a fast peer cannot fill memory. Silence for
 * `timeoutMs` is RS_ERR_ONLINE_STALLED, a close mid-frame RS_ERR_ONLINE_CLOSED.
 */
import type { Clock, Timer } from '../clock/Clock.js';
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS } from './errors.js';
import type { ByteStream } from './ByteStream.js';

export const LENGTH_BYTES = 4;
/** Bytes read ahead of the consumer before the stream is paused: 8 MiB. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(LENGTH_BYTES + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, LENGTH_BYTES);
  return out;
}

export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private paused = false;
  private closed = false;
  private waiter: { max: number; resolve: (b: Uint8Array) => void; reject: (e: RadiosyncError) => void; timer: Timer } | undefined;
  /** Total bytes received, for stats. */
  bytesIn = 0;

  constructor(private readonly stream: ByteStream, private readonly clock: Clock) {
    stream.onData((c) => this.push(c));
    stream.onClose(() => {
      this.closed = true;
      this.settle();
    });
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.bytesIn += chunk.length;
    if (this.buffered > MAX_BUFFERED_BYTES && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
    if (this.waiter) {
      // any byte restarts the stall timer: a slow but moving peer is not stalled
      const w = this.waiter;
      w.timer.cancel();
      w.timer = this.stallTimer(this.stallMs);
    }
    this.settle();
  }

  private stallMs = 0;

  private stallTimer(ms: number): Timer {
    return this.clock.setTimer(ms, () => this.fail(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_STALLED', `nothing from ${this.stream.remote} for ${ms} ms`, { ms })));
  }

  private fail(e: RadiosyncError): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    w.timer.cancel();
    w.reject(e);
  }

  private peek(n: number): Uint8Array {
    while (this.chunks.length > 1 && this.chunks[0]!.length < n) {
      const a = this.chunks.shift()!;
      const b = this.chunks.shift()!;
      const m = new Uint8Array(a.length + b.length);
      m.set(a);
      m.set(b, a.length);
      this.chunks.unshift(m);
    }
    return this.chunks[0]!;
  }

  private take(n: number): Uint8Array {
    const head = this.peek(n);
    const out = head.slice(0, n);
    if (head.length === n) this.chunks.shift();
    else this.chunks[0] = head.subarray(n);
    this.buffered -= n;
    if (this.paused && this.buffered <= MAX_BUFFERED_BYTES / 2) {
      this.paused = false;
      this.stream.resume();
    }
    return out;
  }

  private settle(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.buffered >= LENGTH_BYTES) {
      const head = this.peek(LENGTH_BYTES);
      const len = new DataView(head.buffer, head.byteOffset, LENGTH_BYTES).getUint32(0);
      if (len > w.max) {
        // four printable characters where a length belongs: another protocol answered ("HTTP", "SSH-")
        const four = head.subarray(0, LENGTH_BYTES);
        const text = four.every((b) => b >= 0x20 && b < 0x7f) ? Buffer.from(four).toString('latin1') : undefined;
        const why = text !== undefined ? `the other end is not a radiosync station (it sent text, ${JSON.stringify(text)}…, where a frame length belongs)` : `frame of ${len} bytes announced; at most ${w.max} allowed here`;
        return this.fail(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_FRAME_TOO_LARGE', why, { len, max: w.max, ...(text !== undefined ? { text } : {}) }));
      }
      if (this.buffered >= LENGTH_BYTES + len) {
        this.take(LENGTH_BYTES);
        const body = this.take(len);
        this.waiter = undefined;
        w.timer.cancel();
        return w.resolve(body);
      }
    }
    if (this.closed) this.fail(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_CLOSED', `${this.stream.remote} closed the connection${this.buffered > 0 ? ' mid-frame' : ''}`, { buffered: this.buffered }));
  }

  /** The next frame's body, of at most `max` bytes, within `timeoutMs` of silence. */
  next(max: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.waiter) return Promise.reject(new Error('FrameReader.next called while a read is pending'));
    return new Promise((resolve, reject) => {
      this.stallMs = timeoutMs;
      this.waiter = { max, resolve, reject, timer: this.stallTimer(timeoutMs) };
      this.settle();
    });
  }
}
