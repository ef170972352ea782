/**
 * Input a station dropped, kept across sessions (station log counters `dropped.*`, shown by
 * `status`): the runtime's and the link's per-session counts are added when a session or the
 * daemon ends (and at every daemon tick), so junk, foreign, replayed and forged frames are
 * never reported as "none".
 */
import type { StationRuntime } from './StationRuntime.js';

/** Counter name → how to read it from a runtime. */
const SOURCES: Record<string, (rt: StationRuntime) => number> = {
  'junk-frames': (rt) => rt.counters.foreignFrames,
  'not-for-us': (rt) => rt.link.stats.notForUs,
  'inbound-refused': (rt) => rt.counters.inboundRefused,
  'bad-frames': (rt) => rt.link.stats.badFrames,
  'duplicate-frames': (rt) => rt.link.stats.duplicateFrames,
  'auth-failures': (rt) => rt.link.stats.authFailures,
  'unannounced-data': (rt) => rt.link.stats.unannouncedDropped,
  'partial-evicted': (rt) => rt.link.stats.partialEvicted,
  'reassembly-refused': (rt) => rt.link.stats.reassemblyRefused,
};

/** Adds what was counted since the previous call for the same runtime. */
export class DroppedInput {
  private readonly done: Record<string, number> = {};

  constructor(private readonly rt: StationRuntime) {}

  flush(): void {
    for (const [name, read] of Object.entries(SOURCES)) {
      const now = read(this.rt);
      const delta = now - (this.done[name] ?? 0);
      if (delta > 0) this.rt.station.log.bump(`dropped.${name}`, delta);
      this.done[name] = now;
    }
  }
}
