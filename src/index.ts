/**
 * radiosync public API. The CLI (src/cli/) imports only from here.
 * Layers, in pipeline order: framing → fec → changeset → link → transport → store → files →
 * schedule → sync. See docs/architecture.md.
 */
export * from './errors/RadiosyncError.js';
export * from './clock/Clock.js';
export { ManualClock } from './clock/ManualClock.js';
export type { Transport } from './transport/Transport.js';
export type * from './changeset/Changeset.js';
