/**
 * An in-memory pair of connected transports, for tests and in-process demos: bytes written on one
 * end arrive at the other, in order, optionally after `latencyMs` of (virtual) time and split into
 * chunks of at most `maxChunkBytes` (to exercise decoders that must not care how a stream is cut).
 * Closing either end closes both, after the bytes already in flight are delivered.
 */
import type { Clock } from '../clock/Clock.js';
import { makeError } from '../errors/RadiosyncError.js';
import { TRANSPORT_ERRORS } from './errors.js';
import type { Transport } from './Transport.js';
import { TransportEvents } from './TransportEvents.js';

export interface MemoryPairOptions {
  /** Names of the two ends; default `memory:a` and `memory:b`. */
  names?: [string, string];
  /** One-way delay per write. Needs `clock`; 0 (the default) delivers on the next microtask. */
  latencyMs?: number;
  clock?: Clock;
  /** Split each write into chunks of at most this many bytes (default: never split). */
  maxChunkBytes?: number;
}

export class MemoryTransport implements Transport {
  readonly name: string;
  /** Bytes written by this end. */
  bytesWritten = 0;
  private readonly events: TransportEvents;
  private peer!: MemoryTransport;

  private constructor(
    name: string,
    private readonly deliver: (fn: () => void) => void,
    private readonly maxChunkBytes: number,
  ) {
    this.name = name;
    this.events = new TransportEvents(name);
  }

  /** Two connected ends. */
  static pair(opts: MemoryPairOptions = {}): [MemoryTransport, MemoryTransport] {
    const latency = opts.latencyMs ?? 0;
    if (!(latency >= 0)) throw makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_SPEC_INVALID', `"latencyMs" must be >= 0: ${latency}`, { latencyMs: latency });
    if (latency > 0 && opts.clock === undefined) {
      throw makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_SPEC_INVALID', '"latencyMs" needs a "clock"', { latencyMs: latency });
    }
    const max = opts.maxChunkBytes ?? Number.POSITIVE_INFINITY;
    if (!(max >= 1)) throw makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_SPEC_INVALID', `"maxChunkBytes" must be >= 1: ${max}`, { maxChunkBytes: max });
    const clock = opts.clock;
    const deliver = latency > 0 && clock !== undefined ? (fn: () => void) => void clock.setTimer(latency, fn) : (fn: () => void) => queueMicrotask(fn);
    const [na, nb] = opts.names ?? ['memory:a', 'memory:b'];
    const a = new MemoryTransport(na, deliver, max);
    const b = new MemoryTransport(nb, deliver, max);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.events.closed) throw this.events.closedError();
    const copy = Uint8Array.from(data);
    this.bytesWritten += copy.length;
    const peer = this.peer;
    this.deliver(() => {
      for (let at = 0; at < copy.length; at += this.maxChunkBytes) peer.events.emitData(copy.subarray(at, at + this.maxChunkBytes));
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.events.onData(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.events.onClose(listener);
  }

  async close(): Promise<void> {
    if (this.events.closed) return;
    this.events.emitClose();
    const peer = this.peer;
    this.deliver(() => peer.events.emitClose());
  }
}

/** Two connected in-memory transports (see {@link MemoryTransport}). */
export function createMemoryPair(opts: MemoryPairOptions = {}): [MemoryTransport, MemoryTransport] {
  return MemoryTransport.pair(opts);
}
