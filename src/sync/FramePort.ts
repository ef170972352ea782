/**
 * The sync layer's view of a TNC: AX.25 frames (no FCS) out and in. A KISS TNC over serial or TCP
 * (src/tnc/KissTnc.ts) and a simulated radio (src/sim/SimRadio.ts) both fit, through the small
 * adapters below. The simulated radio is described by the shape this file needs
 * ({@link BroadcastRadio}), so sync does not import the simulator.
 */
import type { KissTnc } from '../tnc/KissTnc.js';

/** What the sender of a frame knows of it. */
export interface FrameMeta {
  /** AX.25 destination, text form. */
  to: string;
  /** Bytes of the info field. */
  infoBytes: number;
  /** The frame continues a key-up already handed over (no TXDELAY of its own). */
  continued?: boolean;
}

export interface FramePort {
  /** Queue one AX.25 frame for transmission. Frames queued together go out in one key-up. */
  /**
   * Queue one AX.25 frame for transmission. Frames queued together go out in one key-up. The
   * sender may say what it already knows of the frame (its destination and info-field size), so
   * that a wrapper such as the airtime governor need not parse the frame again.
   */
  send(ax25: Uint8Array, meta?: FrameMeta): void;
  onFrame(listener: (ax25: Uint8Array) => void): () => void;
  /**
   * Fires when the transmitter has finished. Plain KISS has no such signal, so a port offers it
   * only when the TNC really reports it (the simulator, when asked to model such a TNC).
   */
  onIdle?(listener: () => void): () => void;
}

/**
 * A KISS TNC as a frame port. A write can fail after `send` has returned (the serial port or TCP
 * connection went away): `onError` gets every such error, and the caller decides what it means.
 */
export function kissTncPort(tnc: KissTnc, onError: (e: unknown) => void, kissPort = 0): FramePort {
  return {
    send: (ax25) => void tnc.sendFrame(ax25, kissPort).catch(onError),
    // a multi-port TNC's other KISS ports are other radio channels: not ours
    onFrame: (l) => tnc.onFrame((f, port) => {
      if (port === kissPort) l(f);
    }),
  };
}

/** What {@link simRadioPort} needs from a simulated radio; src/sim/SimRadio.ts fits. */
export interface BroadcastRadio {
  send(ax25: Uint8Array): void;
  onFrame(listener: (ax25: Uint8Array) => void): () => void;
  onIdle(listener: () => void): () => void;
}

/**
 * A simulated radio as a TNC. By default it behaves like a plain KISS TNC and never says when a
 * frame has left; `{ txDoneSignal: true }` models a TNC that reports it (G8BPQ's ACKMODE).
 */
export function simRadioPort(radio: BroadcastRadio, opts: { txDoneSignal?: boolean } = {}): FramePort {
  return {
    send: (ax25) => radio.send(ax25),
    onFrame: (l) => radio.onFrame((f) => l(f)),
    ...(opts.txDoneSignal ? { onIdle: (l: () => void) => radio.onIdle(l) } : {}),
  };
}
