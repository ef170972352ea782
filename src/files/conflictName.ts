/**
 * Names radiosync writes beside synced files:
 * - conflict copies: `name.sync-conflict-YYYYMMDD-HHMMSS-CALLSIGN.ext` (Syncthing's convention).
 *   The time is the losing version's HLC wall time in UTC and CALLSIGN its origin station, so every
 *   station that detects the same conflict picks the same name, and the copies merge.
 * - versions: `name~YYYYMMDD-HHMMSS.ext` under the versions folder, the time the file was replaced.
 */
import { posix } from 'node:path';

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Split a file name into stem and extension ('.tar.gz' keeps only '.gz'; dotfiles have no ext). */
function splitExt(name: string): [string, string] {
  const i = name.lastIndexOf('.');
  if (i <= 0) return [name, ''];
  return [name.slice(0, i), name.slice(i)];
}

/** Callsign as it may appear in a file name. */
function safeCall(call: string): string {
  return call.toUpperCase().replace(/[^A-Z0-9-]/g, '_');
}

/** `dir/name.sync-conflict-YYYYMMDD-HHMMSS-CALLSIGN.ext` for a '/'-separated entry path. */
export function conflictName(path: string, ms: number, callsign: string): string {
  const dir = posix.dirname(path);
  const [stem, ext] = splitExt(posix.basename(path));
  const name = `${stem}.sync-conflict-${stamp(ms)}-${safeCall(callsign)}${ext}`;
  return dir === '.' ? name : `${dir}/${name}`;
}

/** Matches conflict-copy names. */
export const CONFLICT_RE = /\.sync-conflict-\d{8}-\d{6}-[A-Z0-9_-]+(\.[^/]*)?$/;

/** `dir/name~YYYYMMDD-HHMMSS.ext`. */
export function versionName(path: string, ms: number): string {
  const dir = posix.dirname(path);
  const [stem, ext] = splitExt(posix.basename(path));
  const name = `${stem}~${stamp(ms)}${ext}`;
  return dir === '.' ? name : `${dir}/${name}`;
}

/** The time encoded in a version file name (ms), or undefined. */
export function versionTime(name: string): number | undefined {
  const m = /~(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(\.[^/~]*)?$/.exec(name);
  if (!m) return undefined;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}
