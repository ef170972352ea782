/**
 * AGW-PE TCP/IP API frames, the protocol Dire Wolf offers on AGWPORT (default 8000). Used by the
 * interop baseline to drive Dire Wolf's own AX.25 connected mode. Written here from the AGWPE API
 * description (LU7DID/SV2AGW, 2000) and Dire Wolf's User Guide; it is small, and no maintained npm
 * package covers it.
 *
 * Every frame is a 36-byte header followed by DataLen bytes (all integers little-endian):
 *
 *   offset  size  field
 *   0       1     port (radio channel, 0 = first)
 *   1       3     reserved (0)
 *   4       1     DataKind: an ASCII letter, e.g. 'X' register, 'C' connect, 'D' data, 'd' disconnect
 *   5       1     reserved (0)
 *   6       1     PID (0xF0 = no layer 3; used by 'D' and 'M')
 *   7       1     reserved (0)
 *   8       10    CallFrom, ASCII, NUL-padded ("N0CALL-7")
 *   18      10    CallTo,   ASCII, NUL-padded
 *   28      4     DataLen (uint32)
 *   32      4     User (reserved, 0)
 *   36      n     data
 */

export const AGW_HEADER_BYTES = 36;
/** Width of the CallFrom / CallTo fields (including the terminating NUL when shorter). */
export const AGW_CALL_BYTES = 10;
/** Bound on one frame's data. Dire Wolf's largest is a monitored frame (< 2 kB); 64 kB leaves room and stops a corrupt length from buffering forever. */
export const MAX_AGW_DATA_BYTES = 64 * 1024;
/** PID for plain data (no layer 3). */
export const PID_NO_L3 = 0xf0;

export interface AgwFrame {
  port: number;
  /** One ASCII letter. */
  kind: string;
  pid: number;
  callFrom: string;
  callTo: string;
  data: Uint8Array;
}

function putCall(buf: Uint8Array, offset: number, call: string): void {
  if (call.length > AGW_CALL_BYTES - 1) throw new RangeError(`AGW callsign too long: ${call}`);
  for (let i = 0; i < call.length; i++) buf[offset + i] = call.charCodeAt(i) & 0x7f;
}

function getCall(buf: Uint8Array, offset: number): string {
  let s = '';
  for (let i = 0; i < AGW_CALL_BYTES; i++) {
    const c = buf[offset + i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s.trim();
}

export function encodeAgwFrame(f: Partial<AgwFrame> & { kind: string }): Uint8Array {
  const data = f.data ?? new Uint8Array(0);
  const out = new Uint8Array(AGW_HEADER_BYTES + data.length);
  const dv = new DataView(out.buffer);
  out[0] = f.port ?? 0;
  out[4] = f.kind.charCodeAt(0);
  out[6] = f.pid ?? 0;
  putCall(out, 8, f.callFrom ?? '');
  putCall(out, 18, f.callTo ?? '');
  dv.setUint32(28, data.length, true);
  out.set(data, AGW_HEADER_BYTES);
  return out;
}

/** Push parser: feed TCP chunks, get whole frames. A length over the bound is reported, not buffered. */
export class AgwDecoder {
  private buf = new Uint8Array(0);
  readonly stats = { frames: 0, oversized: 0 };

  push(chunk: Uint8Array): AgwFrame[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const frames: AgwFrame[] = [];
    let pos = 0;
    while (joined.length - pos >= AGW_HEADER_BYTES) {
      const dv = new DataView(joined.buffer, joined.byteOffset + pos);
      const len = dv.getUint32(28, true);
      if (len > MAX_AGW_DATA_BYTES) {
        // The stream is out of step; nothing after this can be trusted.
        this.stats.oversized++;
        this.buf = new Uint8Array(0);
        return frames;
      }
      if (joined.length - pos < AGW_HEADER_BYTES + len) break;
      const h = joined.subarray(pos, pos + AGW_HEADER_BYTES);
      frames.push({
        port: h[0]!,
        kind: String.fromCharCode(h[4]!),
        pid: h[6]!,
        callFrom: getCall(h, 8),
        callTo: getCall(h, 18),
        data: joined.slice(pos + AGW_HEADER_BYTES, pos + AGW_HEADER_BYTES + len),
      });
      this.stats.frames++;
      pos += AGW_HEADER_BYTES + len;
    }
    this.buf = joined.slice(pos);
    return frames;
  }
}
