/**
 * The link's diagnostics_channel events (names in src/diagnostics/DIAGNOSTICS.ts): each `Link`
 * event, and each retransmission or repair burst, published with the station's callsign while
 * someone subscribes. Nothing is built when no one listens.
 */
import { channel, type Channel } from 'node:diagnostics_channel';
import { DIAGNOSTICS } from '../diagnostics/DIAGNOSTICS.js';
import type { LinkEventMap } from './linkEvents.js';

const channels = new Map<string, Channel>(Object.entries(DIAGNOSTICS.link).map(([event, name]) => [event, channel(name)]));

/** Publish one `Link` event (received, delivered, failed, expired) beside `station`. */
export function publishLinkEvent<K extends keyof LinkEventMap>(station: string, event: K, e: LinkEventMap[K]): void {
  const ch = channels.get(event);
  if (!ch?.hasSubscribers) return;
  if (event === 'received') {
    const d = e as LinkEventMap['received'];
    ch.publish({ station, from: d.from, transferId: d.transferId, size: d.size });
  } else ch.publish({ station, ...(e as object) });
}

/** What a burst after a transfer's first one carried. */
export interface BurstDiagnostic {
  station: string;
  transferId: number;
  /** The receiver, or the group address. */
  to: string;
  /** This transfer's burst number, counted from 1 (always ≥ 2 here). */
  burst: number;
  /** True for a poll (the ANNOUNCE alone, asking for an ack after a silent round). */
  poll: boolean;
  /** DATA frames in the burst: new parity (or data) shards for blocks still incomplete. */
  dataFrames: number;
}

const retransmit = channel(DIAGNOSTICS.link.retransmit);
const repair = channel(DIAGNOSTICS.link.repair);

/**
 * A transfer went on air again: `retransmit` for every burst after its first; `repair` as well when
 * that burst carries shards (new parity for what the receivers still lack), not a poll alone.
 */
export function publishBurst(b: BurstDiagnostic): void {
  if (b.burst < 2) return;
  if (retransmit.hasSubscribers) retransmit.publish(b);
  if (!b.poll && repair.hasSubscribers) repair.publish(b);
}
