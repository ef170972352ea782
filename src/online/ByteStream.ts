/**
 * The online transport's seam: an ordered, reliable byte pipe (a TCP socket, a WebSocket, an
 * in-memory pair in tests). The secure channel (SecureChannel.ts) frames and encrypts on top of it;
 * nothing here parses bytes.
 *
 * Contract:
 * - `write` resolves once the bytes are handed to the OS (after 'drain' when its buffer is full),
 *   so a writer that awaits every write holds at most one socket buffer in memory; it rejects with
 *   RS_ERR_ONLINE_CLOSED once the pipe is closed.
 * - `onData` chunks arrive in order; `pause`/`resume` stop and restart them (TCP back-pressure).
 * - `onClose` fires once, whichever end closed and however.
 */
import type { Socket } from 'node:net';
import { makeError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS } from './errors.js';

export interface ByteStream {
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): void;
  onClose(listener: () => void): void;
  pause(): void;
  resume(): void;
  /** Finish writing, then close. */
  end(): void;
  /** Close at once. */
  destroy(): void;
  /** The other end, for logs ("192.0.2.7:7373"). */
  readonly remote: string;
}

const closedError = () => makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_CLOSED', 'the connection is closed');

/** A TCP socket as a {@link ByteStream}. */
export function socketStream(socket: Socket): ByteStream {
  let closed = false;
  const closers: Array<() => void> = [];
  socket.setNoDelay(true);
  socket.on('error', () => undefined); // reported as a close: the session names what was cut
  socket.on('close', () => {
    closed = true;
    for (const c of closers.splice(0)) c();
  });
  return {
    remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
    write(bytes) {
      if (closed || socket.destroyed) return Promise.reject(closedError());
      return new Promise((resolve, reject) => {
        const ok = socket.write(bytes);
        if (ok) return resolve();
        const onDrain = () => {
          socket.off('close', onClose);
          resolve();
        };
        const onClose = () => {
          socket.off('drain', onDrain);
          reject(closedError());
        };
        socket.once('drain', onDrain);
        socket.once('close', onClose);
      });
    },
    onData: (l) => void socket.on('data', (d: Buffer) => l(new Uint8Array(d.buffer, d.byteOffset, d.length))),
    onClose: (l) => (closed ? queueMicrotask(l) : void closers.push(l)),
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
    end: () => void socket.end(),
    destroy: () => void socket.destroy(),
  };
}
