/**
 * The one model of the radio's defaults: the figures every layer assumes when nothing else is
 * configured. Config (src/config/schema.ts), the link (src/link), the schedule and the simulator
 * (src/sim) all read them from here, and test/radio/radioDefaults.test.ts checks that they agree.
 * Sources: docs/radio-facts.md.
 */

/** Bytes of AX.25 overhead per UI frame on air with no digipeaters: 2 flags, 2 × 7 address bytes, control, PID, 2 FCS. */
export const AX25_FRAME_OVERHEAD_BYTES = 20;
/** Bytes each digipeater address adds to a frame. */
export const AX25_DIGIPEATER_BYTES = 7;
/** Average HDLC bit-stuffing expansion on random or compressed data: one stuffed bit per 62. */
export const BIT_STUFFING = 1 / 62;

export const RADIO_DEFAULTS = {
  /** Radio bit rate on air, bit/s: 1200 (AFSK on VHF, the common case). */
  bitrate: 1200,
  /** Key-up before data: 300 ms, the common setting (Dire Wolf's author found 200 ms too short). */
  txDelayMs: 300,
  /** Carrier held after the last frame: 50 ms. */
  txTailMs: 50,
  /** KISS p-persistence: 63, a (63+1)/256 = 25 % chance to transmit in each free slot. */
  persistence: 63,
  /** KISS slot time: 100 ms (the KISS and Dire Wolf default). */
  slotMs: 100,
  /** Info-field bytes per frame radiosync sends: 256, the AX.25 N1 default most TNCs accept. */
  frameBytes: 256,
  /**
   * Frames handed to the TNC ahead of what it has sent: 64. Its transmit queue is bounded (Dire Wolf
   * 1.6 discards beyond 100 queued frames), and what it discards is lost as surely as on air.
   */
  tncQueueFrames: 64,
} as const;
