/**
 * A hardware KISS TNC on a serial port (USB serial, RS-232, or a pseudo-terminal), through
 * serialport. This file is the ONLY importer of serialport in radiosync.
 *
 * The port is opened raw, 8N1, no flow control, with an exclusive lock (so two programs never
 * share a TNC). Open failures map to typed errors naming the fix:
 *   ENOENT / ENXIO            -> RS_ERR_PORT_NOT_FOUND
 *   lock held / EBUSY         -> RS_ERR_PORT_BUSY
 *   EACCES                    -> RS_ERR_PORT_PERMISSION
 *   anything else             -> RS_ERR_PORT_OPEN_FAILED
 * `write` resolves once serialport has handed the bytes to the OS. Unplugging the device closes the
 * transport with RS_ERR_TRANSPORT_DISCONNECTED.
 *
 * The serialport class is injected: `SerialPort` (the OS binding) by default, `SerialPortMock`
 * (serialport's MockBinding) in the unit tests, so both run the same serialport stream code and
 * differ only in the binding underneath, as serialport's own tests do.
 */
import { SerialPort, type SerialPortMock } from 'serialport';
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { TRANSPORT_ERRORS, type TransportErrorCode } from './errors.js';
import type { Transport } from './Transport.js';
import { TransportEvents, writeCopied } from './TransportEvents.js';

/** Serial speeds a KISS TNC commonly uses; others are allowed but must be a positive integer. */
export const COMMON_BAUD_RATES = [1200, 4800, 9600, 19200, 38400, 57600, 115200] as const;
/** Default serial speed: most hardware TNCs (KPC-3+, TNC-X, NinoTNC) ship at 9600. */
export const DEFAULT_BAUD_RATE = 9600;

export interface SerialOptions {
  path: string;
  baudRate?: number;
}

/** A serialport class: `SerialPort` (the OS) or `SerialPortMock` (MockBinding, for tests). */
export type SerialPortClass = typeof SerialPort | typeof SerialPortMock;
type Port = InstanceType<SerialPortClass>;

/** Map a serialport open error (its message carries strerror text) to a typed error. */
export function serialOpenError(err: Error, path: string): RadiosyncError {
  const m = err.message;
  const data = { path, cause: m };
  let code: TransportErrorCode = 'RS_ERR_PORT_OPEN_FAILED';
  let msg = `cannot open serial port ${path}: ${m}`;
  // The last alternative of each pattern is MockBinding's wording for the same case.
  if (/No such file or directory|No such device|ENOENT|ENXIO|Port does not exist/i.test(m)) {
    code = 'RS_ERR_PORT_NOT_FOUND';
    msg = `no such serial port ${path}: check the path (ls /dev/serial/by-id/), that the TNC is plugged in, and --port`;
  } else if (/Cannot lock port|Resource temporarily unavailable|resource busy|EBUSY|EAGAIN|Port is locked/i.test(m)) {
    code = 'RS_ERR_PORT_BUSY';
    msg = `serial port ${path} is in use by another program: close it (fuser ${path} names it) and try again`;
  } else if (/Permission denied|EACCES/i.test(m)) {
    code = 'RS_ERR_PORT_PERMISSION';
    msg = `permission denied on ${path}: add your user to its group (sudo usermod -aG dialout $USER) and log in again`;
  }
  return makeError(TRANSPORT_ERRORS, code, msg, data, err);
}

export class SerialTransport implements Transport {
  readonly name: string;
  private readonly events: TransportEvents;
  private closing = false;

  private constructor(
    private readonly port: Port,
    name: string,
  ) {
    this.name = name;
    this.events = new TransportEvents(name);
    port.on('data', (buf: Buffer) => this.events.emitData(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
    let lastError: Error | undefined;
    port.on('error', (err: Error) => {
      lastError = makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_DISCONNECTED', `${name}: ${err.message}`, { transport: name }, err);
    });
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      if (err?.disconnected === true) {
        lastError = makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_DISCONNECTED', `${name}: the device went away`, { transport: name }, err);
      }
      this.events.emitClose(lastError);
    });
  }

  /**
   * Open `path` at `baudRate` (default 9600) with `portClass` (default the OS's `SerialPort`).
   * Rejects with RS_ERR_PORT_NOT_FOUND, _BUSY, _PERMISSION or _OPEN_FAILED.
   */
  static open(opts: SerialOptions, portClass: SerialPortClass = SerialPort): Promise<SerialTransport> {
    const path = opts.path;
    const baudRate = opts.baudRate ?? DEFAULT_BAUD_RATE;
    if (typeof path !== 'string' || path.length === 0) {
      return Promise.reject(makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_SPEC_INVALID', `"path" must be a device path: ${JSON.stringify(path)}`, { path }));
    }
    if (!Number.isInteger(baudRate) || baudRate <= 0) {
      return Promise.reject(makeError(TRANSPORT_ERRORS, 'RS_ERR_TRANSPORT_SPEC_INVALID', `"baudRate" must be a positive integer: ${baudRate}`, { baudRate }));
    }
    return new Promise((resolve, reject) => {
      const port = new portClass({ path, baudRate, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, lock: true, autoOpen: false });
      port.open((err) => {
        if (err) reject(serialOpenError(err, path));
        else resolve(new SerialTransport(port, `serial:${path}@${baudRate}`));
      });
    });
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closing || this.events.closed || !this.port.isOpen) return Promise.reject(this.events.closedError());
    return writeCopied(this.name, (b, done) => this.port.write(b, done), data);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.events.onData(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.events.onClose(listener);
  }

  /** Wait for queued writes to reach the OS, then close the port. Idempotent. */
  close(): Promise<void> {
    if (this.events.closed) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      this.events.onClose(() => resolve());
      if (!this.port.isOpen) {
        this.events.emitClose();
        return;
      }
      this.port.drain(() => {
        this.port.close((err) => {
          // close() failing leaves nothing to do but report the pipe closed.
          if (err) this.events.emitClose();
        });
      });
    });
  }
}
