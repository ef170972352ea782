/**
 * A KISS-over-TCP client for the interop scenarios (Dire Wolf's KISSPORT): frames in, frames out.
 * Test code: radiosync's own transport lives in src/transport; this only needs to push and collect.
 */
import net from 'node:net';
import { encodeKiss, KissDecoder, type KissFrame } from '../../src/framing/kiss.js';

/** Dire Wolf 1.6 looks for a new KISS TCP client once a second; bytes sent earlier can wait that long. */
export const DIREWOLF_CLIENT_POLL_MS = 1_000;

export class KissTcpClient {
  readonly decoder = new KissDecoder();
  readonly frames: KissFrame[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.decoder.push(chunk));
    });
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number): Promise<KissTcpClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.removeListener('error', reject);
        s.setNoDelay(true);
        resolve(new KissTcpClient(s));
      });
      s.once('error', reject);
    });
  }

  send(frame: KissFrame): void {
    this.socket.write(encodeKiss(frame));
  }

  close(): void {
    this.socket.destroy();
  }
}
