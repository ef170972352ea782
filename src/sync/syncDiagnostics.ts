/**
 * The sync layer's diagnostics_channel events (names in src/diagnostics/DIAGNOSTICS.ts): each
 * StationRuntime event, published with the station's callsign while someone subscribes.
 */
import { channel, type Channel } from 'node:diagnostics_channel';
import { DIAGNOSTICS } from '../diagnostics/DIAGNOSTICS.js';

export type SyncDiagnosticEvent = keyof typeof DIAGNOSTICS.sync;

const channels = new Map<string, Channel>(Object.entries(DIAGNOSTICS.sync).map(([event, name]) => [event, channel(name)]));

/**
 * Publish one runtime event. Object events are spread into the message beside `station`; the
 * `applied` result and `failed` event go under `result` and `event`, as DIAGNOSTICS.ts documents.
 */
export function publishSyncEvent(station: string, event: SyncDiagnosticEvent, e: unknown): void {
  const ch = channels.get(event);
  if (!ch?.hasSubscribers) return;
  if (event === 'applied') ch.publish({ station, result: e });
  else if (event === 'failed') ch.publish({ station, event: e });
  else ch.publish({ station, ...(e as object) });
}
