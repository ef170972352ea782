/**
 * A KISS TNC seen at the AX.25-frame level, over any Transport (serial, KISS over TCP, memory).
 *
 *   open:   [init strings, each + CR, pausing initDelayMs]   e.g. Kantronics "KISS ON", "RESTART"
 *           [C0 01 txdelay C0] [C0 02 P C0] [C0 03 slot C0] [C0 04 txtail C0] [C0 05 dup C0]
 *   run:    sendFrame(ax25)  -> C0 <port<<4|0> escaped AX.25 (no FCS) C0
 *           C0 <port<<4|0> … C0 from the TNC -> onFrame(ax25, port)
 *           anything else from the TNC (text before KISS mode, parameter echoes, bad escapes) is
 *           counted in `stats` and ignored
 *   close:  [C0 FF C0 if exitKiss] [exit strings, each + CR] then the transport is closed
 *
 * The init strings are raw text for a TNC still in its command mode; once it is in KISS mode,
 * only KISS frames are written.
 */
import { channel } from 'node:diagnostics_channel';
import { sleep, systemClock, type Clock } from '../clock/Clock.js';
import { DIAGNOSTICS } from '../diagnostics/DIAGNOSTICS.js';
import { makeError } from '../errors/RadiosyncError.js';
import { MAX_AX25_FRAME_BYTES } from '../framing/ax25.js';
import { encodeKiss, KissCommand, KissDecoder, MAX_KISS_PORT } from '../framing/kiss.js';
import { kissParameterFrames, kissReturn, type KissParameters } from '../framing/kissParameters.js';
import type { Transport } from '../transport/Transport.js';
import { TNC_ERRORS } from './errors.js';

const diagFrameIn = channel(DIAGNOSTICS.tnc.frameIn);
const diagFrameOut = channel(DIAGNOSTICS.tnc.frameOut);
const diagListenerError = channel(DIAGNOSTICS.tnc.listenerError);

/**
 * Pause after each init or exit string: 1000 ms by default. A Kantronics KPC-3+ takes about a
 * second after RESTART before it reads KISS; shorter pauses lose the parameter frames that follow.
 */
export const DEFAULT_INIT_DELAY_MS = 1000;
/** TNC command-mode lines end with a carriage return. */
export const DEFAULT_LINE_ENDING = '\r';

export interface KissTncOptions {
  /** KISS port for `sendFrame` when none is given: 0. */
  port?: number;
  /** Raw text lines sent before KISS mode, e.g. `['KISS ON', 'RESTART']` for a Kantronics. */
  initStrings?: string[];
  /** Raw text lines sent on close after leaving KISS mode. */
  exitStrings?: string[];
  /** Send the KISS Return frame (C0 FF C0) on close, so the TNC goes back to its command mode. */
  exitKiss?: boolean;
  /** Pause after each init/exit string; default {@link DEFAULT_INIT_DELAY_MS}. */
  initDelayMs?: number;
  lineEnding?: string;
  /** KISS parameters set at open (TXDELAY, persistence, slot time, TXtail, full duplex). */
  parameters?: KissParameters;
  /** Decoder bound; default the KISS decoder's MAX_KISS_FRAME_BYTES. */
  maxFrameBytes?: number;
  clock?: Clock;
}

export interface KissTncStats {
  framesIn: number;
  framesOut: number;
  /** KISS bytes written, escapes and FENDs included (serial-line bytes, not airtime). */
  bytesOut: number;
  /** Bytes from the TNC that were not a KISS frame (text, bad escapes, unknown commands). */
  garbageBytes: number;
  /** Frames from the TNC over the decoder bound. */
  oversized: number;
  /** Well-formed KISS frames from the TNC that are not data frames (ignored). */
  nonData: number;
}

const CONTROL_CHARS = /[\x00-\x1f\x7f]/;

function optionError(message: string, data: Record<string, unknown>) {
  return makeError(TNC_ERRORS, 'RS_ERR_TNC_BAD_OPTION', message, data);
}

export class KissTnc {
  private readonly decoder: KissDecoder;
  private readonly listeners = new Set<(frame: Uint8Array, port: number) => void>();
  private readonly counts = { framesIn: 0, framesOut: 0, bytesOut: 0, nonData: 0 };
  private readonly unsubscribe: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  private constructor(
    readonly transport: Transport,
    private readonly opts: Required<Omit<KissTncOptions, 'parameters' | 'maxFrameBytes' | 'clock'>> & { clock: Clock },
    maxFrameBytes: number | undefined,
  ) {
    this.decoder = new KissDecoder(maxFrameBytes === undefined ? {} : { maxFrameBytes });
    this.unsubscribe.push(transport.onData((chunk) => this.receive(chunk)));
  }

  /** Wrap `transport`, send the init strings and KISS parameters, and start decoding. */
  static async open(transport: Transport, options: KissTncOptions = {}): Promise<KissTnc> {
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > MAX_KISS_PORT) throw optionError(`"port" must be a KISS port 0-15: ${port}`, { port });
    const initDelayMs = options.initDelayMs ?? DEFAULT_INIT_DELAY_MS;
    if (!(initDelayMs >= 0)) throw optionError(`"initDelayMs" must be >= 0: ${initDelayMs}`, { initDelayMs });
    for (const s of [...(options.initStrings ?? []), ...(options.exitStrings ?? [])]) {
      if (typeof s !== 'string' || CONTROL_CHARS.test(s)) throw optionError(`TNC init/exit strings are single lines of text: ${JSON.stringify(s)}`, { string: s });
    }
    let params: Uint8Array[];
    try {
      params = kissParameterFrames(options.parameters ?? {}, port).map((f) => encodeKiss(f));
    } catch (e) {
      throw optionError(`bad KISS parameter: ${(e as Error).message}`, { parameters: options.parameters });
    }
    const tnc = new KissTnc(
      transport,
      {
        port,
        initStrings: options.initStrings ?? [],
        exitStrings: options.exitStrings ?? [],
        exitKiss: options.exitKiss ?? false,
        initDelayMs,
        lineEnding: options.lineEnding ?? DEFAULT_LINE_ENDING,
        clock: options.clock ?? systemClock,
      },
      options.maxFrameBytes,
    );
    await tnc.sendLines(tnc.opts.initStrings);
    for (const p of params) await tnc.writeCounted(p);
    return tnc;
  }

  get stats(): KissTncStats {
    return { ...this.counts, garbageBytes: this.decoder.stats.garbageBytes, oversized: this.decoder.stats.oversized };
  }

  /** Send one AX.25 frame (no FCS) as a KISS data frame on `port` (default: the TNC's port). */
  async sendFrame(ax25: Uint8Array, port: number = this.opts.port): Promise<void> {
    if (ax25.length === 0 || ax25.length > MAX_AX25_FRAME_BYTES) {
      throw makeError(TNC_ERRORS, 'RS_ERR_TNC_FRAME_SIZE', `frame is ${ax25.length} bytes; it must be 1-${MAX_AX25_FRAME_BYTES}`, { bytes: ax25.length });
    }
    if (!Number.isInteger(port) || port < 0 || port > MAX_KISS_PORT) throw optionError(`"port" must be a KISS port 0-15: ${port}`, { port });
    await this.writeCounted(encodeKiss({ port, command: KissCommand.Data, data: ax25 }));
    this.counts.framesOut++;
    if (diagFrameOut.hasSubscribers) diagFrameOut.publish({ transport: this.transport.name, port, bytes: ax25.length });
  }

  /** Frames the TNC hears (AX.25 without FCS) and the KISS port they came in on. */
  onFrame(listener: (frame: Uint8Array, port: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.transport.onClose(listener);
  }

  /** Send the exit frame and strings if configured, then close the transport. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.opts.exitKiss) await this.writeCounted(encodeKiss(kissReturn()));
        await this.sendLines(this.opts.exitStrings);
      } catch {
        // The transport is already gone: nothing more to tell the TNC.
      } finally {
        for (const off of this.unsubscribe) off();
        await this.transport.close();
      }
    })();
    return this.closing;
  }

  private async sendLines(lines: string[]): Promise<void> {
    for (const line of lines) {
      await this.writeCounted(new TextEncoder().encode(line + this.opts.lineEnding));
      if (this.opts.initDelayMs > 0) await sleep(this.opts.clock, this.opts.initDelayMs);
    }
  }

  private async writeCounted(bytes: Uint8Array): Promise<void> {
    await this.transport.write(bytes);
    this.counts.bytesOut += bytes.length;
  }

  private receive(chunk: Uint8Array): void {
    for (const f of this.decoder.push(chunk)) {
      if (f.command !== KissCommand.Data) {
        this.counts.nonData++;
        continue;
      }
      this.counts.framesIn++;
      if (diagFrameIn.hasSubscribers) diagFrameIn.publish({ transport: this.transport.name, port: f.port, bytes: f.data.length });
      for (const l of [...this.listeners]) {
        try {
          l(f.data, f.port);
        } catch (error) {
          // One listener's bug must not cost the other listeners (or later frames) their data.
          if (diagListenerError.hasSubscribers) diagListenerError.publish({ transport: this.transport.name, error });
        }
      }
    }
  }
}
