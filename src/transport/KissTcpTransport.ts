/**
 * KISS over TCP: the byte stream of a soft TNC such as Dire Wolf (`KISSPORT`, default 8001) or
 * `radiosync sim`. TCP adds no framing of its own: the KISS FENDs delimit frames, and a TCP read
 * may hold part of a frame or several frames.
 *
 * Nagle is switched off (frames are small and latency is airtime); `write` resolves once the
 * kernel has the bytes. Connect failures map to typed errors naming the fix.
 */
import net from 'node:net';
import { systemClock, type Clock } from '../clock/Clock.js';
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { TRANSPORT_ERRORS, type TransportErrorCode } from './errors.js';
import type { Transport } from './Transport.js';
import { TransportEvents, writeCopied } from './TransportEvents.js';

/** Dire Wolf's default KISS TCP port (KISSPORT in direwolf.conf). */
export const DEFAULT_KISS_TCP_PORT = 8001;
/**
 * How long to wait for the TCP connection: 5 s by default. A soft TNC on the same machine or LAN
 * answers in milliseconds; five seconds also covers a slow VPN without leaving an operator waiting.
 */
export const KISS_TCP_CONNECT_TIMEOUT_MS = 5000;

export interface KissTcpOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  /** Clock for the connect timeout (tests inject a ManualClock). */
  clock?: Clock;
}

function connectError(err: NodeJS.ErrnoException, host: string, port: number): RadiosyncError {
  const where = `${host}:${port}`;
  const data = { host, port, errno: err.code };
  let code: TransportErrorCode = 'RS_ERR_KISS_TCP_CONNECT_FAILED';
  let msg = `cannot connect to KISS TCP ${where}: ${err.message}`;
  if (err.code === 'ECONNREFUSED') {
    code = 'RS_ERR_KISS_TCP_REFUSED';
    msg = `nothing is listening at ${where}: start the soft TNC (Dire Wolf KISSPORT, default ${DEFAULT_KISS_TCP_PORT}, or radiosync sim) or fix --kiss-tcp`;
  } else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    code = 'RS_ERR_KISS_TCP_HOST_NOT_FOUND';
    msg = `KISS TCP host "${host}" does not resolve: check --kiss-tcp or use an IP address`;
  }
  return makeError(TRANSPORT_ERRORS, code, msg, data, err);
}

export class KissTcpTransport implements Transport {
  readonly name: string;
  private readonly events: TransportEvents;

  private constructor(
    private readonly socket: net.Socket,
    name: string,
  ) {
    this.name = name;
    this.events = new TransportEvents(name);
    socket.setNoDelay(true);
    socket.on('data', (buf: Buffer) => this.events.emitData(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
    let lastError: Error | undefined;
    socket.on('error', (err) => {
      lastError = makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_DISCONNECTED', `${name}: ${err.message}`, { transport: name }, err);
    });
    socket.on('close', () => this.events.emitClose(lastError));
  }

  /** Connect to a KISS TCP server. Rejects with RS_ERR_KISS_TCP_REFUSED, _TIMEOUT, _HOST_NOT_FOUND or _CONNECT_FAILED. */
  static connect(opts: KissTcpOptions): Promise<KissTcpTransport> {
    const { host, port } = opts;
    const timeoutMs = opts.connectTimeoutMs ?? KISS_TCP_CONNECT_TIMEOUT_MS;
    const clock = opts.clock ?? systemClock;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = clock.setTimer(timeoutMs, () => {
        socket.destroy();
        reject(
          makeError(TRANSPORT_ERRORS, 'RS_ERR_KISS_TCP_TIMEOUT', `KISS TCP ${host}:${port} did not accept within ${timeoutMs} ms: check host, port and firewall`, {
            host,
            port,
            timeoutMs,
          }),
        );
      });
      socket.once('error', (err) => {
        timer.cancel();
        socket.destroy();
        reject(connectError(err, host, port));
      });
      socket.once('connect', () => {
        timer.cancel();
        socket.removeAllListeners('error');
        resolve(new KissTcpTransport(socket, `kiss-tcp:${host}:${port}`));
      });
    });
  }

  /** Wrap an accepted server-side socket (e.g. the KISS TCP port of `radiosync sim`). */
  static fromSocket(socket: net.Socket, name?: string): KissTcpTransport {
    return new KissTcpTransport(socket, name ?? `kiss-tcp:${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
  }

  write(data: Uint8Array): Promise<void> {
    if (this.events.closed || this.socket.destroyed || !this.socket.writable) return Promise.reject(this.events.closedError());
    return writeCopied(this.name, (b, done) => this.socket.write(b, done), data);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.events.onData(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.events.onClose(listener);
  }

  /** Flush what was written, then close the connection. Idempotent. */
  close(): Promise<void> {
    if (this.events.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.events.onClose(() => resolve());
      if (this.socket.destroyed) this.events.emitClose();
      else this.socket.end(() => this.socket.destroy());
    });
  }
}
