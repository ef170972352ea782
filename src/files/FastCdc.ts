/**
 * FastCDC content-defined chunking (Xia et al., USENIX ATC 2016), streamed.
 *
 * A cut point is where a rolling "gear" hash of the last 32 bytes matches a mask, so boundaries
 * follow the content: an insertion or edit moves only the boundaries near it, and every other chunk
 * keeps its id. Normalised chunking (a harder mask before the average size, an easier one after)
 * keeps sizes close to the average.
 *
 *   chunk start ── min bytes skipped ──┬─ maskS (bits+2 bits) ─┬─ maskL (bits-2 bits) ─┬ max
 *                                      min                     avg                    max
 *
 * Hand-written (about 100 lines) because no maintained npm package streams FastCDC: the one
 * found (@dstanesc/wasm-chunking-fastcdc-node 0.1.1) takes a whole file as one buffer. See
 * docs/folders.md. The gear table is derived from SHA-256 of a fixed label, so every station
 * (and every future version) cuts identically: changing it would change every chunk id.
 */
import { createHash } from 'node:crypto';
import { CDC_AVG_CHUNK, CDC_MAX_CHUNK, CDC_MIN_CHUNK } from './limits.js';

/** Label the gear table is derived from. Changing it changes every chunk boundary. */
export const GEAR_SEED_LABEL = 'radiosync-fastcdc-gear-v1';

function makeGear(): Int32Array {
  const g = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    g[i] = createHash('sha256').update(`${GEAR_SEED_LABEL}:${i}`).digest().readInt32BE(0);
  }
  return g;
}

/**
 * The 256-entry gear table: the first 4 bytes of SHA-256("radiosync-fastcdc-gear-v1:<i>"), big-endian.
 * Held as int32 so the rolling hash stays in V8's small-integer fast path (~4× faster than uint32).
 */
export const GEAR: Int32Array = makeGear();

export interface ChunkerOptions {
  /** Minimum chunk size in bytes (default {@link CDC_MIN_CHUNK}). */
  min?: number;
  /** Average chunk size in bytes, a power of two (default {@link CDC_AVG_CHUNK}). */
  avg?: number;
  /** Maximum chunk size in bytes (default {@link CDC_MAX_CHUNK}). */
  max?: number;
}

/** Top `n` bits of a 32-bit word set (as int32): high bits of the gear hash depend on the most bytes. */
function topBits(n: number): number {
  return n <= 0 ? 0 : (0xffffffff << (32 - n)) | 0;
}

/**
 * Streaming chunker: `push` bytes as they are read and receive the finished chunks; `finish`
 * returns the last one. Memory is bounded by `max` plus one pushed buffer.
 */
export class FastCdc {
  readonly min: number;
  readonly avg: number;
  readonly max: number;
  private readonly maskS: number;
  private readonly maskL: number;
  private pending: Uint8Array = new Uint8Array(0);

  constructor(opts: ChunkerOptions = {}) {
    this.min = opts.min ?? CDC_MIN_CHUNK;
    this.avg = opts.avg ?? CDC_AVG_CHUNK;
    this.max = opts.max ?? CDC_MAX_CHUNK;
    const bits = Math.round(Math.log2(this.avg));
    if (2 ** bits !== this.avg || this.min < 64 || this.min > this.avg || this.avg > this.max) {
      throw new RangeError(`chunker sizes must satisfy 64 <= min <= avg <= max, avg a power of two: ${this.min}/${this.avg}/${this.max}`);
    }
    this.maskS = topBits(bits + 2);
    this.maskL = topBits(bits - 2);
  }

  /** Length of the next chunk at `buf[off..off+n)`, or -1 if more bytes are needed to decide. */
  cut(buf: Uint8Array, off: number, n: number, final: boolean): number {
    if (n <= this.min) return final ? n : -1;
    const limit = n < this.max ? n : this.max;
    const normal = limit < this.avg ? limit : this.avg;
    const maskS = this.maskS;
    const maskL = this.maskL;
    const gear = GEAR;
    let h = 0;
    let p = off + this.min;
    const pNormal = off + normal;
    const pLimit = off + limit;
    for (; p < pNormal; p++) {
      h = ((h << 1) + gear[buf[p]!]!) | 0;
      if ((h & maskS) === 0) return p - off + 1;
    }
    for (; p < pLimit; p++) {
      h = ((h << 1) + gear[buf[p]!]!) | 0;
      if ((h & maskL) === 0) return p - off + 1;
    }
    if (limit === this.max) return this.max;
    return final ? n : -1;
  }

  push(data: Uint8Array): Uint8Array[] {
    let buf: Uint8Array;
    if (this.pending.length === 0) buf = data;
    else {
      buf = new Uint8Array(this.pending.length + data.length);
      buf.set(this.pending, 0);
      buf.set(data, this.pending.length);
    }
    return this.drain(buf, false);
  }

  finish(): Uint8Array[] {
    const out = this.drain(this.pending, true);
    this.pending = new Uint8Array(0);
    return out;
  }

  private drain(buf: Uint8Array, final: boolean): Uint8Array[] {
    const out: Uint8Array[] = [];
    let off = 0;
    while (off < buf.length) {
      const len = this.cut(buf, off, buf.length - off, final);
      if (len < 0) break;
      out.push(buf.slice(off, off + len));
      off += len;
    }
    this.pending = buf.slice(off);
    return out;
  }
}

/** Chunk a whole buffer at once (tests, small data). */
export function chunkBytes(data: Uint8Array, opts?: ChunkerOptions): Uint8Array[] {
  const c = new FastCdc(opts);
  return [...c.push(data), ...c.finish()];
}
