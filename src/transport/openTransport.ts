/**
 * The transport factory: validate a transport spec (from the config or the command line) and open
 * it. Hardware-free to test: the openers are injectable, and serialport is only loaded (by dynamic
 * import of SerialTransport) when a serial spec is opened.
 *
 *   { kind: 'serial',   path: '/dev/ttyUSB0', baud: 9600 }      --port DEV --baud N
 *   { kind: 'kiss-tcp', host: '127.0.0.1',   port: 8001 }      --kiss-tcp HOST:PORT
 */
import type { Clock } from '../clock/Clock.js';
import { makeError } from '../errors/RadiosyncError.js';
import { TRANSPORT_ERRORS } from './errors.js';
import { DEFAULT_KISS_TCP_PORT, KissTcpTransport, type KissTcpOptions } from './KissTcpTransport.js';
import type { Transport } from './Transport.js';

export type TransportSpec =
  | { kind: 'serial'; path: string; baud?: number }
  | { kind: 'kiss-tcp'; host: string; port?: number; connectTimeoutMs?: number };

/** Default serial speed when a spec gives none: 9600, what most hardware TNCs ship at. */
export const DEFAULT_SERIAL_BAUD = 9600;
const MAX_TCP_PORT = 65535;

export interface TransportOpeners {
  serial(opts: { path: string; baudRate: number }): Promise<Transport>;
  kissTcp(opts: KissTcpOptions): Promise<Transport>;
}

function invalid(message: string, data: Record<string, unknown>) {
  return makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_SPEC_INVALID', message, data);
}

function tcpPort(value: unknown, where: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_TCP_PORT) {
    throw invalid(`${where} must be a TCP port 1-${MAX_TCP_PORT}: ${JSON.stringify(value)}`, { port: value });
  }
  return n;
}

/** Parse `--kiss-tcp` text: `HOST:PORT`, `HOST` (port 8001), `[IPv6]:PORT` or `:PORT` (localhost). */
export function parseKissTcpAddress(text: string): { host: string; port: number } {
  const t = typeof text === 'string' ? text.trim() : '';
  const m = /^\[([^\]]+)\](?::(.*))?$/.exec(t) ?? /^([^:]*)(?::(.*))?$/.exec(t);
  if (t.length === 0 || m === null) throw invalid(`--kiss-tcp must be HOST:PORT, e.g. 127.0.0.1:8001: ${JSON.stringify(text)}`, { value: text });
  const host = m[1] === '' ? '127.0.0.1' : m[1]!;
  const port = m[2] === undefined ? DEFAULT_KISS_TCP_PORT : tcpPort(m[2], '--kiss-tcp port');
  return { host, port };
}

/** Check a spec from config or flags; throws RS_ERR_TRANSPORT_SPEC_INVALID naming the bad key. */
export function validateTransportSpec(spec: unknown): TransportSpec {
  if (typeof spec !== 'object' || spec === null) throw invalid(`transport must be an object with "kind": ${JSON.stringify(spec)}`, { spec });
  const s = spec as Record<string, unknown>;
  if (s.kind === 'serial') {
    if (typeof s.path !== 'string' || s.path.length === 0) throw invalid(`transport "path" must be a serial device path: ${JSON.stringify(s.path)}`, { key: 'path' });
    const baud = s.baud ?? DEFAULT_SERIAL_BAUD;
    if (typeof baud !== 'number' || !Number.isInteger(baud) || baud <= 0) throw invalid(`transport "baud" must be a positive integer: ${JSON.stringify(s.baud)}`, { key: 'baud' });
    return { kind: 'serial', path: s.path, baud };
  }
  if (s.kind === 'kiss-tcp') {
    if (typeof s.host !== 'string' || s.host.length === 0) throw invalid(`transport "host" must be a host name or address: ${JSON.stringify(s.host)}`, { key: 'host' });
    const port = s.port === undefined ? DEFAULT_KISS_TCP_PORT : tcpPort(s.port, 'transport "port"');
    const out: TransportSpec = { kind: 'kiss-tcp', host: s.host, port };
    if (s.connectTimeoutMs !== undefined) {
      if (typeof s.connectTimeoutMs !== 'number' || !(s.connectTimeoutMs > 0)) {
        throw invalid(`transport "connectTimeoutMs" must be a positive number: ${JSON.stringify(s.connectTimeoutMs)}`, { key: 'connectTimeoutMs' });
      }
      out.connectTimeoutMs = s.connectTimeoutMs;
    }
    return out;
  }
  throw invalid(`transport "kind" must be "serial" or "kiss-tcp": ${JSON.stringify(s.kind)}`, { key: 'kind' });
}

/** `serial:/dev/ttyUSB0@9600` or `kiss-tcp:127.0.0.1:8001` (the transports' own names). */
export function formatTransportSpec(spec: TransportSpec): string {
  return spec.kind === 'serial'
    ? `serial:${spec.path}@${spec.baud ?? DEFAULT_SERIAL_BAUD}`
    : `kiss-tcp:${spec.host}:${spec.port ?? DEFAULT_KISS_TCP_PORT}`;
}

const defaultOpeners: TransportOpeners = {
  async serial(opts) {
    const { SerialTransport } = await import('./SerialTransport.js');
    return SerialTransport.open(opts);
  },
  kissTcp: (opts) => KissTcpTransport.connect(opts),
};

/** Validate `spec` and open it. Rejects with the opener's typed errors (RS_ERR_PORT_*, RS_ERR_KISS_TCP_*). */
export async function openTransport(spec: TransportSpec, deps: { openers?: Partial<TransportOpeners>; clock?: Clock } = {}): Promise<Transport> {
  const s = validateTransportSpec(spec);
  const openers = { ...defaultOpeners, ...deps.openers };
  if (s.kind === 'serial') return openers.serial({ path: s.path, baudRate: s.baud ?? DEFAULT_SERIAL_BAUD });
  const opts: KissTcpOptions = { host: s.host, port: s.port ?? DEFAULT_KISS_TCP_PORT };
  if (s.connectTimeoutMs !== undefined) opts.connectTimeoutMs = s.connectTimeoutMs;
  if (deps.clock !== undefined) opts.clock = deps.clock;
  return openers.kissTcp(opts);
}
