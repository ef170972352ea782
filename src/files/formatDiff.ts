/**
 * Human output of `radiosync diff` for a FolderDiff (the CLI prints this, or the diff as JSON).
 *
 *   share ops → N0BBB: 1 added, 1 changed, 1 moved, 0 copied, 1 deleted — 7.4 kB on air (~50 s at 1200 bit/s)
 *     changed  forms/shelter.txt                     3 chunks    6.1 kB
 *     moved    archive/map.png ← maps/map.png        0 chunks    0.1 kB
 */
import type { FolderDiff } from './diffFolder.js';

/** Bit rate used for the "time on air" hint (bit/s): 1200 bd AFSK, the common VHF packet rate. */
export const DIFF_HINT_BITRATE = 1200;

function kb(n: number): string {
  return `${(n / 1000).toFixed(1)} kB`;
}

export function formatFolderDiff(d: FolderDiff, bitrate: number = DIFF_HINT_BITRATE): string {
  const t = d.totals;
  const secs = Math.ceil((t.airBytes * 8) / bitrate);
  const lines = [
    `share ${d.share} → ${d.peer}: ${t.added} added, ${t.changed} changed, ${t.moved} moved, ${t.copied} copied, ${t.deleted} deleted — ${kb(t.airBytes)} on air (~${secs} s at ${bitrate} bit/s, before FEC and framing)`,
  ];
  const label = (i: FolderDiff['items'][number]): string => (i.from ? `${i.path} ← ${i.from}` : i.path);
  const width = Math.min(60, Math.max(10, ...d.items.map((i) => label(i).length)));
  for (const i of d.items) {
    lines.push(`  ${i.kind.padEnd(8)} ${label(i).padEnd(width)}  ${String(i.chunks).padStart(5)} chunks  ${kb(i.airBytes).padStart(9)}`);
  }
  return lines.join('\n');
}
