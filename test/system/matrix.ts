/**
 * The default real-time matrix of `npm run test:system`: small data, mostly at 9600 bit/s, so it
 * runs in about ten minutes when every case passes. Each case's CLI timeout is a generous
 * multiple of its airtime; a stalled transfer ends there and the case fails.
 *
 * Sizes (measured with the current codec): SMALL ≈ 3 KB (one burst, 17 frames); MULTI ≈ 17 KB
 * (about 78 frames: more than one TNC queue of 64, so at least two bursts and acks between them).
 */
import type { ChannelCase, Data } from './scenarios.js';

export const SMALL: Data = { rows: 30, files: { 'sitrep.md': 2000, 'maps/route.txt': 1500 } };
export const MULTI: Data = { rows: 300, files: { 'sitrep.md': 6000, 'maps/route.txt': 4000 } };
/** Shared base of the sync cases (carried by a bundle); 5 edits on each side go by radio. */
export const SYNC_BASE: Data = { rows: 30, files: { 'sitrep.md': 1500 } };
export const DAEMON: Data = { rows: 120, files: { 'sitrep.md': 3000, 'maps/route.txt': 2000 } };

export interface NamedCase extends ChannelCase {
  data: Data;
  label: string;
}

const c = (label: string, data: Data, bitrate: number, loss: string, seed: number, txdelayMs: number, timeoutS: number, extra: Partial<ChannelCase> = {}): NamedCase => ({ label, data, bitrate, loss, seed, txdelayMs, timeoutS, ...extra });

export function caseName(kind: string, k: NamedCase): string {
  const believed = k.stationTxdelayMs !== undefined && k.stationTxdelayMs !== k.txdelayMs ? ` (stations configured ${k.stationTxdelayMs} ms)` : '';
  return `${kind} ${k.label} · ${k.bitrate} bit/s · p=${k.loss} · seed ${k.seed} · TXDELAY ${k.txdelayMs} ms${believed}`;
}

export const SEND_RECEIVE: NamedCase[] = [
  c('3 KB', SMALL, 9600, '0', 1, 300, 60),
  c('3 KB', SMALL, 9600, '0.1', 1, 300, 60),
  c('3 KB', SMALL, 9600, '0.3', 1, 300, 60),
  c('17 KB', MULTI, 9600, '0', 1, 300, 120),
  c('17 KB', MULTI, 9600, '0.1', 1, 300, 120),
  c('17 KB', MULTI, 9600, '0.1', 2, 300, 120),
  c('17 KB', MULTI, 9600, '0.3', 1, 300, 150),
  c('17 KB', MULTI, 9600, '0.3', 2, 300, 150),
  c('17 KB', MULTI, 9600, '0.1', 3, 30, 120),
  c('17 KB', MULTI, 9600, '0.1', 4, 300, 120, { stationTxdelayMs: 30 }),
  c('3 KB', SMALL, 1200, '0.1', 5, 300, 180),
  c('3 KB', SMALL, 1200, '0.3', 6, 30, 240),
];

export const SYNC: NamedCase[] = [
  c('5 row edits + 1 file each side', SYNC_BASE, 9600, '0', 1, 300, 60),
  c('5 row edits + 1 file each side', SYNC_BASE, 9600, '0.1', 2, 300, 90),
  c('5 row edits + 1 file each side', SYNC_BASE, 9600, '0.3', 3, 300, 120),
  c('5 row edits + 1 file each side', SYNC_BASE, 1200, '0.1', 4, 30, 180),
];

export const DAEMONS: NamedCase[] = [
  c('9 KB + 30 rows back', DAEMON, 9600, '0.1', 1, 300, 150),
  c('9 KB + 30 rows back', DAEMON, 9600, '0.3', 2, 30, 180),
];
