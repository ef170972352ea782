/**
 * `node --import tsx test/security/flood-report.ts [--minutes 60] [--rows 3000]`: an hour of junk at
 * 9600 bit/s into one station while a real transfer runs, for each kind of flood; prints frames,
 * CPU per frame, what the victim holds before → after, and whether the real transfer completed.
 */
import { runFlood } from './floodRun.js';
import type { FloodKind } from './flood.js';

function arg(name: string, d: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
}
const minutes = arg('minutes', 60);
const rows = arg('rows', 3000);
const kinds: FloodKind[] = ['random', 'bogus-foreign', 'bogus-spoofed', 'spoofed-stream', 'spoofed-churn'];
console.log(`flood at 9600 bit/s for ${minutes} simulated minutes; real transfer of ${rows} rows starts after 1 minute`);
console.log('kind            frames   ms/frame  heapMB b→a     inbound  shards  storedBlocks  heldKB    heard  victim-tx  real transfer');
for (const kind of kinds) {
  const r = await runFlood(kind, { durationMs: minutes * 60_000, rows });
  const ba = (k: keyof typeof r.before, d = 0) => `${r.before[k].toFixed(d)}→${r.after[k].toFixed(d)}`;
  console.log(
    `${kind.padEnd(15)} ${String(r.frames).padStart(6)} ${r.cpuMsPerFrame.toFixed(3).padStart(9)}  ${ba('heapMB', 1).padEnd(13)} ${ba('inbound').padEnd(8)} ${ba('shards').padEnd(7)} ${ba('storedBlocks').padEnd(13)} ${`${(r.before.heldBytes / 1024).toFixed(0)}→${(r.after.heldBytes / 1024).toFixed(0)}`.padEnd(9)} ${ba('heard').padEnd(6)} ${String(r.victimFramesSent).padStart(8)}  ${r.realTransferDone && r.converged ? 'completed' : 'STARVED'}`,
  );
}
