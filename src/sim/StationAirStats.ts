/**
 * Why a frame did not reach a receiver (the first reason that applies, in this order): the receiver
 * cannot hear the sender at all (`hears`), an outage, its own transmitter was on, a third station's
 * carrier overlapped, the loss model, a bit error.
 */
export const LOSS_REASONS = ['range', 'outage', 'halfDuplex', 'collision', 'loss', 'ber'] as const;
export type LossReason = (typeof LOSS_REASONS)[number];

/**
 * Counters of one simulated station. Sender-side counters (airtimeMs … collisions, framesDropped)
 * count what this station transmitted; receiver-side ones (framesDelivered, framesLost, lostBy)
 * count frames of *other* stations as this station heard them (one count per frame per receiver).
 */
export interface StationAirStats {
  /** Milliseconds this station's transmitter was keyed: TXDELAY + frames + TXTAIL, every key-up. */
  airtimeMs: number;
  /** Frames put on air. */
  framesSent: number;
  /** On-air bytes before bit stuffing: AX.25 frame + 2 FCS + 2 flags, per frame sent. */
  bytesOnAir: number;
  /** On-air bits after bit stuffing (exact or 1/62 average, per the channel's `stuffing`). */
  bitsOnAir: number;
  /** Times the transmitter was keyed (each costs TXDELAY + TXTAIL + channel access). */
  keyUps: number;
  /** Key-ups of this station that overlapped another station's key-up in time. */
  collisions: number;
  /** Frames refused because the transmit queue was full (MAX_SIM_QUEUED_FRAMES). */
  framesDropped: number;
  /** Frames of other stations this station received. */
  framesDelivered: number;
  /** Frames of other stations this station did not receive. */
  framesLost: number;
  /** `framesLost` broken down by reason. */
  lostBy: Record<LossReason, number>;
  /** Milliseconds spent waiting for channel access (from wanting to send to key-up). */
  accessWaitMs: number;
}

export function emptyStats(): StationAirStats {
  return {
    airtimeMs: 0,
    framesSent: 0,
    bytesOnAir: 0,
    bitsOnAir: 0,
    keyUps: 0,
    collisions: 0,
    framesDropped: 0,
    framesDelivered: 0,
    framesLost: 0,
    lostBy: { range: 0, outage: 0, halfDuplex: 0, collision: 0, loss: 0, ber: 0 },
    accessWaitMs: 0,
  };
}

export function cloneStats(s: StationAirStats): StationAirStats {
  return { ...s, lostBy: { ...s.lostBy } };
}

/** Sum of several stations' counters. */
export function sumStats(all: Iterable<StationAirStats>): StationAirStats {
  const t = emptyStats();
  for (const s of all) {
    t.airtimeMs += s.airtimeMs;
    t.framesSent += s.framesSent;
    t.bytesOnAir += s.bytesOnAir;
    t.bitsOnAir += s.bitsOnAir;
    t.keyUps += s.keyUps;
    t.collisions += s.collisions;
    t.framesDropped += s.framesDropped;
    t.framesDelivered += s.framesDelivered;
    t.framesLost += s.framesLost;
    t.accessWaitMs += s.accessWaitMs;
    for (const r of LOSS_REASONS) t.lostBy[r] += s.lostBy[r];
  }
  return t;
}
