/**
 * A simulated radio seen as a KISS TNC: the {@link Transport} a station's software talks to.
 *
 * Host → TNC (bytes written), decoded with the framing layer's KissDecoder:
 *   FEND 0x00 <AX.25 frame, no FCS> FEND   → transmitted (queued for the next key-up)
 *   FEND 0x01 <n> FEND                     → TXDELAY = n·10 ms
 *   FEND 0x02 <p> FEND                     → persistence = p (0–255)
 *   FEND 0x03 <n> FEND                     → SlotTime = n·10 ms (0 is taken as 10 ms)
 *   FEND 0x04 <n> FEND                     → TXtail = n·10 ms
 *   FEND 0x05 <b> FEND                     → full duplex if b ≠ 0 (no carrier sense)
 *   FEND 0x06 "TXBUF:" FEND                → answered with FEND 0x06 "TXBUF:<bytes queued>" FEND,
 *                                            modelled on Dire Wolf's SetHardware query (User Guide §9.6.6)
 *   FEND 0xFF FEND                         → ignored (a KISS-only TNC stays in KISS)
 *   anything on a port other than 0        → ignored and counted (a one-port TNC)
 *
 * TNC → host (bytes delivered to onData listeners): every frame the radio hears, as
 *   FEND 0x00 <AX.25 frame, no FCS> FEND
 */
import { KissCommand, KissDecoder, encodeKiss, type KissFrame } from '../framing/kiss.js';
import { KISS_TIME_UNIT_MS } from '../framing/kissParameters.js';
import type { Transport } from '../transport/Transport.js';
import { TransportEvents } from '../transport/TransportEvents.js';
import { MAX_SIM_FRAME_BYTES } from './simFrameLimit.js';

/** The SetHardware query (ASCII) a host sends to learn how many bytes are still queued for transmission. */
export const TXBUF_QUERY = 'TXBUF:';

/**
 * What the KISS port needs from a radio (SimRadio fits): declared here, where it is used, so that
 * SimRadio can open KISS sessions without an import cycle.
 */
export interface KissRadio {
  readonly name: string;
  readonly isClosed: boolean;
  /** Bytes waiting to go on air (answered to the TXBUF query). */
  readonly queuedBytes: number;
  /** Called once when the radio closes; the port closes with it. */
  readonly closeHooks: Set<() => void>;
  send(frame: Uint8Array): void;
  onFrame(listener: (frame: Uint8Array) => void): () => void;
  /** KISS commands 1–5. */
  configure(params: { txDelayMs?: number; txTailMs?: number; persistence?: number; slotTimeMs?: number; fullDuplex?: boolean }): void;
}

const ascii = new TextEncoder();
const unascii = new TextDecoder('latin1');

export interface SimKissPortStats {
  /** Data frames accepted for transmission. */
  framesIn: number;
  /** Data frames delivered to the host. */
  framesOut: number;
  /** Parameter and SetHardware commands applied. */
  commands: number;
  /** Frames ignored: other ports, or refused by the radio (size). */
  ignored: number;
}

export class SimKissPort implements Transport {
  readonly name: string;
  readonly stats: SimKissPortStats = { framesIn: 0, framesOut: 0, commands: 0, ignored: 0 };
  /** Decoder statistics: garbage bytes and oversized frames from the host. */
  readonly decoder = new KissDecoder({ maxFrameBytes: MAX_SIM_FRAME_BYTES + 1 });
  private readonly events: TransportEvents;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly radio: KissRadio,
    name?: string,
  ) {
    this.name = name ?? `sim:${radio.name}`;
    this.events = new TransportEvents(this.name);
    this.unsubscribe.push(
      radio.onFrame((frame) => {
        this.stats.framesOut++;
        this.emit(encodeKiss({ port: 0, command: KissCommand.Data, data: frame }));
      }),
    );
    const onRadioClose = (): void => void this.close();
    radio.closeHooks.add(onRadioClose);
    this.unsubscribe.push(() => void radio.closeHooks.delete(onRadioClose));
  }

  /** Decode KISS from the host and act on each frame. Rejects with RS_ERR_TRANSPORT_CLOSED after close. */
  async write(data: Uint8Array): Promise<void> {
    if (this.events.closed) throw this.events.closedError();
    for (const f of this.decoder.push(data)) this.handle(f);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.events.onData(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.events.onClose(listener);
  }

  /** Close this KISS session (the radio stays on the channel). Idempotent. */
  async close(): Promise<void> {
    if (this.events.closed) return;
    for (const u of this.unsubscribe) u();
    this.events.emitClose();
  }

  private emit(bytes: Uint8Array): void {
    this.events.emitData(bytes);
  }

  private handle(f: KissFrame): void {
    if (f.command === KissCommand.Return) return;
    if (f.port !== 0) {
      this.stats.ignored++;
      return;
    }
    const v = f.data[0] ?? 0;
    switch (f.command) {
      case KissCommand.Data:
        if (this.radio.isClosed || f.data.length === 0 || f.data.length > MAX_SIM_FRAME_BYTES) {
          this.stats.ignored++;
          return;
        }
        this.radio.send(f.data);
        this.stats.framesIn++;
        return;
      case KissCommand.TxDelay:
        this.radio.configure({ txDelayMs: v * KISS_TIME_UNIT_MS });
        break;
      case KissCommand.Persistence:
        this.radio.configure({ persistence: v });
        break;
      case KissCommand.SlotTime:
        this.radio.configure({ slotTimeMs: Math.max(1, v) * KISS_TIME_UNIT_MS });
        break;
      case KissCommand.TxTail:
        this.radio.configure({ txTailMs: v * KISS_TIME_UNIT_MS });
        break;
      case KissCommand.FullDuplex:
        this.radio.configure({ fullDuplex: v !== 0 });
        break;
      case KissCommand.SetHardware: {
        const text = unascii.decode(f.data);
        if (text.toUpperCase().startsWith(TXBUF_QUERY)) {
          const reply = ascii.encode(`${TXBUF_QUERY}${this.radio.queuedBytes}`);
          this.emit(encodeKiss({ port: 0, command: KissCommand.SetHardware, data: reply }));
        }
        break;
      }
      default:
        this.stats.ignored++;
        return;
    }
    this.stats.commands++;
  }
}
