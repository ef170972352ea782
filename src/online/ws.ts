/**
 * The online stream over WebSocket (the `ws` package), for networks that pass only HTTP: the same
 * bytes as over TCP (docs/protocol.md §7), carried in binary messages. Message boundaries mean
 * nothing (the frames of FrameReader.ts may span or share messages); text messages are refused.
 * Each message is at most {@link MAX_WS_MESSAGE_BYTES}, enforced by `ws` before it is buffered.
 */
import { WebSocket, WebSocketServer } from 'ws';
import { createServer } from 'node:http';
import { makeError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS } from './errors.js';
import type { ByteStream } from './ByteStream.js';
import { MAX_RECORD_BYTES } from './SecureChannel.js';
import type { Listening } from './tcp.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './tcp.js';

/** The path `serve --ws` answers on. */
export const WS_PATH = '/radiosync';
/** Largest WebSocket message accepted: one whole record frame and a little (4 MiB + 2 KiB). */
export const MAX_WS_MESSAGE_BYTES = MAX_RECORD_BYTES + 1024;

const closedError = () => makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_CLOSED', 'the WebSocket is closed');

export function wsStream(ws: WebSocket, remote: string): ByteStream {
  const closers: Array<() => void> = [];
  let closed = false;
  ws.binaryType = 'nodebuffer';
  ws.on('error', () => undefined); // reported as a close
  ws.on('close', () => {
    closed = true;
    for (const c of closers.splice(0)) c();
  });
  return {
    remote,
    write: (bytes) =>
      closed || ws.readyState !== WebSocket.OPEN
        ? Promise.reject(closedError())
        : new Promise((resolve, reject) => ws.send(bytes, { binary: true }, (e) => (e ? reject(closedError()) : resolve()))),
    onData: (l) =>
      void ws.on('message', (d: Buffer, isBinary: boolean) => {
        if (!isBinary) return ws.terminate();
        l(new Uint8Array(d.buffer, d.byteOffset, d.length));
      }),
    onClose: (l) => (closed ? queueMicrotask(l) : void closers.push(l)),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    end: () => ws.close(1000),
    destroy: () => ws.terminate(),
  };
}

export function connectWs(url: string, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { maxPayload: MAX_WS_MESSAGE_BYTES, handshakeTimeout: timeoutMs, perMessageDeflate: false });
    } catch (e) {
      return reject(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_ADDRESS_INVALID', `not a WebSocket URL: ${url}`, { url }, e));
    }
    ws.once('open', () => {
      ws.removeAllListeners('error');
      resolve(wsStream(ws, url));
    });
    ws.once('error', (e: NodeJS.ErrnoException) => reject(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_UNREACHABLE', `cannot reach ${url}: ${e.code ?? e.message}`, { url, errno: e.code ?? null }, e)));
  });
}

export function listenWs(host: string, port: number, onStream: (s: ByteStream) => void): Promise<Listening> {
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('radiosync: WebSocket only\n');
  });
  const wss = new WebSocketServer({ server: http, path: WS_PATH, maxPayload: MAX_WS_MESSAGE_BYTES, perMessageDeflate: false });
  wss.on('connection', (ws, req) => onStream(wsStream(ws, `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`)));
  return new Promise((resolve, reject) => {
    http.once('error', (e: NodeJS.ErrnoException) => reject(makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_LISTEN_FAILED', `cannot listen on ${host}:${port}: ${e.code ?? e.message}`, { host, port, errno: e.code ?? null }, e)));
    http.listen(port, host, () => {
      const a = http.address();
      resolve({
        server: http as unknown as Listening['server'],
        host,
        port: typeof a === 'object' && a !== null ? a.port : port,
        close: () =>
          new Promise<void>((res) => {
            for (const c of wss.clients) c.terminate();
            wss.close();
            http.closeAllConnections();
            http.close(() => res());
          }),
      });
    });
  });
}
