/**
 * Changesets for a repair (src/sync/Repair.ts): the given changes (dots), and only those that can
 * be verified at the receiver. With origin signatures on, a changeset holds at most one run of
 * consecutive seqs per origin, ending at a seq whose origin signature is held (this station signs
 * its own at any seq; another origin's run is cut back or extended to a held signature: see
 * signRuns). So the dots go out as several changesets: the k-th holds the k-th run of every origin.
 * Runs that cannot be signed within `maxChanges` are left out (the vectors resend them later).
 */
import type { Changeset, StationId } from '../changeset/Changeset.js';
import { stmt, type StoreContext } from './StoreContext.js';
import { LOG_COLUMNS, logRowToChange, signRuns } from './originRuns.js';

type LogRow = Parameters<typeof signRuns>[1][number];

export interface Dot {
  origin: StationId;
  seq: number;
}

export function buildRunChangesets(ctx: StoreContext, to: StationId, dots: Dot[], maxChanges: number): Changeset[] {
  const byOrigin = new Map<string, number[]>();
  for (const d of dots) {
    // the receiver's own changes go too: it takes back, under its own signature, what it lost
    let l = byOrigin.get(d.origin);
    if (l === undefined) byOrigin.set(d.origin, (l = []));
    if (!l.includes(d.seq)) l.push(d.seq);
  }
  // per origin, the runs of consecutive seqs
  const runs = new Map<string, number[][]>();
  for (const [o, seqs] of byOrigin) {
    seqs.sort((a, b) => a - b);
    const out: number[][] = [];
    for (const s of seqs) {
      const last = out[out.length - 1];
      if (last && last[last.length - 1] === s - 1) last.push(s);
      else out.push([s]);
    }
    runs.set(o, out);
  }
  const q = stmt(ctx, `SELECT ${LOG_COLUMNS} FROM radiosync_log WHERE origin = ? AND seq >= ? AND seq <= ? ORDER BY seq`, true);
  const rounds = Math.max(0, ...[...runs.values()].map((r) => r.length));
  const out: Changeset[] = [];
  for (let k = 0; k < rounds; k++) {
    const rows: LogRow[] = [];
    for (const [o, list] of runs) {
      const run = list[k];
      if (run) rows.push(...(q.all(o, run[0], run[run.length - 1]) as LogRow[]));
    }
    const signed = signRuns(ctx, rows);
    const kept = signed.rows.slice(0, maxChanges);
    if (kept.length === 0) continue;
    const cs: Changeset = { version: 1, from: ctx.station, to: [to], created: ctx.clock.now(), upto: {}, changes: kept.map(logRowToChange), chunks: [] };
    if (signed.sigs !== undefined) cs.sigs = signed.sigs;
    out.push(cs);
  }
  return out;
}
