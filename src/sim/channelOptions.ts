/**
 * Options of {@link RadioChannel} (RadioChannel.ts), their defaults and their validation.
 */
import type { Clock } from '../clock/Clock.js';
import { makeError } from '../errors/RadiosyncError.js';
import type { StuffingMode } from './airtime.js';
import { SIM_ERRORS } from './errors.js';
import type { LossSpec } from './lossModels.js';

/**
 * Default carrier-detect delay: 10 ms. A receiver's DCD needs a few bit times of flags before it
 * reports a carrier, so two stations that key up within this window both think the channel is
 * free and collide. It also makes "same slot" collisions possible in virtual time, where two
 * timers can fire at exactly the same instant.
 */
export const DEFAULT_CARRIER_DETECT_MS = 10;
/** Bound on stations per channel: 64 (more than any real shared frequency carries at once). */
export const MAX_SIM_STATIONS = 64;
/** Longest station name: 64 characters. */
export const MAX_SIM_STATION_NAME = 64;

/** A window with no reception: times in ms since the channel was created, [startMs, endMs). */
export interface Outage {
  startMs: number;
  endMs: number;
  /** Receivers affected; all when omitted. */
  stations?: string[];
}

export interface RadioChannelOptions {
  clock: Clock;
  /** Seed of every random draw (number or string). Default 0. */
  seed?: number | string;
  /** Bit rate on air in bit/s, e.g. 300, 1200, 9600. */
  bitrate: number;
  /** Frame-loss model of every link (a station's own `loss` overrides it as receiver). Default none. */
  loss?: LossSpec;
  /** Bit error rate, turned into frame loss by frame length. Default 0. */
  ber?: number;
  /** Delay from the end of a frame on air to its delivery, ms. Default 0. */
  latencyMs?: number;
  /**
   * Extra delivery delay drawn per delivered frame, uniform in [0, latencyJitterMs] ms: a TNC and a
   * host that pass frames on late and unevenly (KISS over TCP, a busy TNC). Default 0.
   */
  latencyJitterMs?: number;
  /** Probability that a delivered frame is delivered a second time (a TNC or digipeater repeat). Default 0. */
  duplicate?: number;
  /** Frames held back and released late: probability `p` per delivery, held up to `maxMs` more. Default none. */
  hold?: { p: number; maxMs: number };
  /** Scheduled outages. Default none. */
  outages?: Outage[];
  /** Bit-stuffing arithmetic: exact count (default) or the 1/62 average. */
  stuffing?: StuffingMode;
  /** Carrier sense before transmitting. Default true; false gives slotted ALOHA. */
  carrierSense?: boolean;
  /** See {@link DEFAULT_CARRIER_DETECT_MS}. */
  carrierDetectMs?: number;
  /**
   * Who hears whom: `hears(receiver, sender)`. Default: everyone hears everyone. A station neither
   * receives nor senses the carrier of a station it does not hear, so two stations that do not hear
   * each other but share a receiver are hidden terminals: carrier sense cannot stop their collisions.
   * Must be a pure function of the two names (it is called often, and the run must replay).
   */
  hears?: (receiver: string, sender: string) => boolean;
}

/** A `hears` function for a channel where every listed pair of stations cannot hear each other. */
export function hiddenPairs(pairs: ReadonlyArray<readonly [string, string]>): (receiver: string, sender: string) => boolean {
  const cut = new Set(pairs.flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]));
  return (receiver, sender) => !cut.has(`${sender}>${receiver}`);
}

/** Throw RS_ERR_SIM_BAD_OPTION naming the value. */
export function bad(name: string, value: unknown, must: string): never {
  throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"${name}" must be ${must}: ${String(value)}`, { name, value });
}

/** Validate one outage. */
export function checkOutage(o: Outage): void {
  if (typeof o !== 'object' || o === null) bad('outage', o, 'an object { startMs, endMs }');
  if (typeof o.startMs !== 'number' || !Number.isFinite(o.startMs) || o.startMs < 0) bad('outage.startMs', o.startMs, 'a number ≥ 0');
  if (typeof o.endMs !== 'number' || !(o.endMs > o.startMs)) bad('outage.endMs', o.endMs, 'a number > startMs');
}
