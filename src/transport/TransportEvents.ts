/**
 * The listener bookkeeping every Transport shares: data listeners in registration order, close
 * listeners fired exactly once, and the closed flag that makes `write` reject. Implementations
 * own an instance and call `emitData` / `emitClose`; a throwing listener never breaks the pipe.
 */
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { TRANSPORT_ERRORS } from './errors.js';

export class TransportEvents {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(err?: Error) => void>();
  private closedWith: { err?: Error } | undefined;

  constructor(private readonly name: string) {}

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /** Registers `listener`; if the pipe is already closed it is called on the next microtask. */
  onClose(listener: (err?: Error) => void): () => void {
    const closed = this.closedWith;
    if (closed !== undefined) {
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) listener(closed.err);
      });
      return () => {
        cancelled = true;
      };
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  emitData(chunk: Uint8Array): void {
    if (this.closed || chunk.length === 0) return;
    for (const l of [...this.dataListeners]) {
      try {
        l(chunk);
      } catch {
        // A listener's bug must not stop the byte pipe; listeners log their own errors.
      }
    }
  }

  /** Marks the pipe closed and fires close listeners once; later calls do nothing. */
  emitClose(err?: Error): void {
    if (this.closed) return;
    this.closedWith = err === undefined ? {} : { err };
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    this.dataListeners.clear();
    for (const l of listeners) {
      try {
        l(err);
      } catch {
        // see emitData
      }
    }
  }

  closedError(): RadiosyncError {
    return makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_CLOSED', `${this.name} is closed`, { transport: this.name });
  }
}

/**
 * Write through a Node stream-style `write(buffer, callback)`: the bytes are copied first (the
 * caller may reuse its buffer as soon as `write()` returns), and a failure becomes
 * RS_ERR_TRANSPORT_WRITE_FAILED naming the transport.
 */
export function writeCopied(
  name: string,
  write: (data: Buffer, done: (err?: Error | null) => void) => unknown,
  data: Uint8Array,
): Promise<void> {
  return new Promise((resolve, reject) => {
    write(Buffer.from(data), (err) => {
      if (err) reject(makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_WRITE_FAILED', `${name}: ${err.message}`, { transport: name }, err));
      else resolve();
    });
  });
}
