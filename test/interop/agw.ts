/**
 * A small AGW-PE client over TCP: enough to make Dire Wolf run an AX.25 connected-mode session.
 *
 * Dire Wolf semantics worth knowing (User Guide ch. 10, CHANGES.md):
 * - 'C' connect: Dire Wolf tries AX.25 v2.2 first (SABME, then XID to negotiate window/SREJ) and
 *   falls back to v2.0 (SABM) if the peer does not answer SABME; the 'V20' config line skips v2.2.
 *   So 'C' is the v2.2 connect. ('v' is only "connect via digipeaters".)
 * - A station that registered its callsign with 'X' accepts incoming connections; the application
 *   then gets 'C' "*** CONNECTED To Station …" and 'D' data frames.
 * - 'Y' asks how many frames are still queued for a connection: 0 means everything sent was acked.
 */
import net from 'node:net';
import { AgwDecoder, encodeAgwFrame, PID_NO_L3, type AgwFrame } from './agwFrame.js';

/** Default bound on waiting for a reply frame. */
export const AGW_REPLY_TIMEOUT_MS = 10_000;

export class AgwClient {
  private readonly decoder = new AgwDecoder();
  private listeners = new Set<(f: AgwFrame) => void>();
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) for (const l of [...this.listeners]) l(f);
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number): Promise<AgwClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.removeListener('error', reject);
        s.setNoDelay(true);
        resolve(new AgwClient(s));
      });
      s.once('error', reject);
    });
  }

  onFrame(listener: (f: AgwFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(f: Partial<AgwFrame> & { kind: string }): void {
    if (this.closed) throw new Error('AGW socket closed');
    this.socket.write(encodeAgwFrame(f));
  }

  /** Resolves with the first frame (arriving from now on) that satisfies `pred`. */
  waitFor(pred: (f: AgwFrame) => boolean, timeoutMs = AGW_REPLY_TIMEOUT_MS, what = 'AGW frame'): Promise<AgwFrame> {
    return new Promise((resolve, reject) => {
      const off = this.onFrame((f) => {
        if (!pred(f)) return;
        clearTimeout(timer);
        off();
        resolve(f);
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`AGW: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  async version(): Promise<{ major: number; minor: number }> {
    const reply = this.waitFor((f) => f.kind === 'R', AGW_REPLY_TIMEOUT_MS, "'R' version reply");
    this.send({ kind: 'R' });
    const f = await reply;
    const dv = new DataView(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    return { major: dv.getUint32(0, true), minor: f.data.length >= 8 ? dv.getUint32(4, true) : 0 };
  }

  /** 'X': register a callsign so this client can make and accept connections. */
  async register(callsign: string): Promise<boolean> {
    const reply = this.waitFor((f) => f.kind === 'X', AGW_REPLY_TIMEOUT_MS, "'X' registration reply");
    this.send({ kind: 'X', callFrom: callsign });
    const f = await reply;
    return f.data[0] === 1;
  }

  /** 'C': connect (v2.2 first, see module doc). Resolves with Dire Wolf's "*** CONNECTED …" text. */
  async connectTo(port: number, mycall: string, remote: string, timeoutMs: number): Promise<string> {
    const reply = this.waitFor(
      (f) => (f.kind === 'C' || f.kind === 'd') && f.callFrom === remote,
      timeoutMs,
      `connection to ${remote}`,
    );
    this.send({ kind: 'C', port, callFrom: mycall, callTo: remote });
    const f = await reply;
    const text = Buffer.from(f.data).toString('latin1').trim();
    if (f.kind === 'd') throw new Error(`AGW: connection to ${remote} failed: ${text}`);
    return text;
  }

  /** 'D': queue connected-mode data (Dire Wolf splits it into PACLEN-sized I frames). */
  sendData(port: number, mycall: string, remote: string, data: Uint8Array, pid = PID_NO_L3): void {
    this.send({ kind: 'D', port, pid, callFrom: mycall, callTo: remote, data });
  }

  /** 'Y': frames still queued (sent but not acked, or not yet sent) on the connection mycall→remote. */
  async outstanding(port: number, mycall: string, remote: string): Promise<number> {
    const reply = this.waitFor((f) => f.kind === 'Y', AGW_REPLY_TIMEOUT_MS, "'Y' reply");
    this.send({ kind: 'Y', port, callFrom: mycall, callTo: remote });
    const f = await reply;
    return new DataView(f.data.buffer, f.data.byteOffset, f.data.byteLength).getUint32(0, true);
  }

  /** 'd': disconnect; resolves when Dire Wolf reports the link down. */
  async disconnect(port: number, mycall: string, remote: string, timeoutMs: number): Promise<string> {
    const reply = this.waitFor((f) => f.kind === 'd' && f.callFrom === remote, timeoutMs, `disconnect from ${remote}`);
    this.send({ kind: 'd', port, callFrom: mycall, callTo: remote });
    return Buffer.from((await reply).data).toString('latin1').trim();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
