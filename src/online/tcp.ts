/** TCP for the online transport: connect with a deadline, listen; OS errors become typed errors. */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { makeError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS } from './errors.js';
import { socketStream, type ByteStream } from './ByteStream.js';

/** How long a TCP connect may take by default: 5 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export function connectTcp(host: string, port: number, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      reject(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_UNREACHABLE', `no answer from ${host}:${port} within ${timeoutMs} ms`, { host, port }));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      s.removeAllListeners('error');
      resolve(socketStream(s));
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      reject(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_UNREACHABLE', `cannot reach ${host}:${port}: ${e.code ?? e.message}`, { host, port, errno: e.code ?? null }, e));
    });
  });
}

export interface Listening {
  server: Server;
  host: string;
  port: number;
  close(): Promise<void>;
}

export function listenTcp(host: string, port: number, onStream: (s: ByteStream) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    onStream(socketStream(sock));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_LISTEN_FAILED', `cannot listen on ${host}:${port}: ${e.code ?? e.message}`, { host, port, errno: e.code ?? null }, e)));
    server.listen(port, host, () => {
      const a = server.address();
      const bound = typeof a === 'object' && a !== null ? a.port : port;
      resolve({
        server,
        host,
        port: bound,
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}
