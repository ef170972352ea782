/** `status`: the queue, the budget, the next window, the peers (in sync or not), recent sessions. */
import type { Command } from 'commander';
import { Station, stationStatus, openStationQueue, formatVerdict, FolderSync, lastPeerPath, formatPeerPath, type Verdict } from '../../index.js';
import { printResult } from '../output.js';
import { defaultHome, HOME_HELP } from '../options.js';

function amount(v: number, unit: string): string {
  return Number.isFinite(v) ? `${Math.round(v)} ${unit}` : `unlimited ${unit}`;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** One line for a session's stored summary (never raw JSON). */
export function sessionLine(summary: Record<string, unknown> | null): string {
  if (!summary) return '';
  if (summary['error']) return 'ended with an error';
  const sent = (summary['sent'] ?? {}) as Record<string, unknown>;
  const rec = (summary['received'] ?? {}) as Record<string, unknown>;
  const verdicts = Object.entries((summary['verdicts'] ?? {}) as Record<string, Verdict>).map(([p, v]) => `${p} ${formatVerdict(v)}`);
  const parts = [
    `sent ${num(sent['rows'])} rows (${num(sent['acknowledged'])}/${num(sent['transfers'])} transfers acknowledged)`,
    `received ${num(rec['changesets'])} changesets, ${num(rec['rows'])} row changes, ${num(rec['files'])} files`,
    ...(num(summary['failed']) > 0 ? [`${num(summary['failed'])} given up`] : []),
    `${num(summary['keyUps'])} key-ups`,
    ...(summary['timedOut'] ? ['timed out'] : []),
    ...verdicts,
  ];
  return parts.join(', ');
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('queue (per transfer: destination, bytes, blocks acknowledged, % sent, priority, age, ETA), budget left, next window, peers in sync or not, recent sessions')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON')
    .action(async (o: { home: string; json?: boolean }) => {
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      try {
        await folders.capture();
        const queue = openStationQueue(st);
        const s = stationStatus(st, queue, folders);
        queue.close();
        const t = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + 'Z');
        const dur = (ms: number) => (ms < 90_000 ? `${Math.round(ms / 1000)} s` : ms < 5_400_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);
        printResult(
          o,
          [
            `station ${s.callsign} (${s.home})`,
            `records: ${s.records.rows} rows in ${s.records.tables.join(', ') || 'no tables'}; log ${s.records.logEntries} changes; ${s.records.conflicts} conflicts kept; ${s.records.parked} rows parked`,
            ...s.records.parkedRows.map((p) => `  parked ${p.table} ${p.id}: ${p.reason}`),
            ...(s.records.refused.length === 0 ? [] : [`refused on arrival (newest first):`, ...s.records.refused.map((r) => `  ${t(r.at)} from ${r.sender}: ${r.rows} change(s) of ${r.origin}${r.firstSeq === null ? '' : ` seq ${r.firstSeq}–${r.lastSeq}`}: ${r.message} [${r.code}]`)]),
            ...(s.fileProblems.length === 0 ? [] : ['file entries not applied:', ...s.fileProblems.map((f) => `  ${f.path}: ${f.message} [${f.code}]`)]),
            s.queue.length === 0
              ? 'queue: empty'
              : [
                  'queue:',
                  '  ID     TO              BYTES  ACKED BLOCKS   SENT  PRIO  AGE       ETA',
                  ...s.queue.map((q) => `  ${String(q.transferId).padEnd(6)} ${q.to.join(',').padEnd(15)} ${String(q.bytes).padStart(6)} ${`${q.blocksAcked}/${q.blocks}`.padStart(12)} ${`${q.percentSent.toFixed(0)}%`.padStart(6)} ${String(q.priority).padStart(5)}  ${dur(q.ageMs).padEnd(9)} ${dur(q.etaMs)}`),
                ].join('\n'),
            `budget left: ${amount(s.budget.bytesHour, 'B')} / ${amount(s.budget.airtimeMsHour / 1000, 's')} this hour, ${amount(s.budget.bytesDay, 'B')} / ${amount(s.budget.airtimeMsDay / 1000, 's')} today`,
            `transmit window: ${s.window.open ? (s.window.until === null ? 'always open (no windows configured)' : `open until ${t(s.window.until)}`) : s.window.next === null ? 'none scheduled' : `next ${t(s.window.next)}`}`,
            `peers: ${s.peers.map((p) => `${p.callsign} ${p.state}, ${p.pendingRows} pending, ${formatVerdict(s.verdicts[p.callsign] ?? { state: 'unknown', reason: 'no digest' })}, last path ${formatPeerPath(lastPeerPath(st, p.callsign))}`).join('; ') || 'none'}`,
            `dropped input: ${Object.entries(s.dropped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
            'recent sessions:',
            ...(s.sessions.length === 0 ? ['  none'] : s.sessions.map((x) => `  ${t(x.started)} ${x.kind.padEnd(8)} ${x.peers.join(',').padEnd(14)} ${x.ok === null ? 'running' : x.ok ? 'ok' : 'incomplete'}  ${sessionLine(x.summary)}`)),
          ],
          { ...s, paths: Object.fromEntries(s.peers.map((p) => [p.callsign, lastPeerPath(st, p.callsign) ?? null])) },
        );
      } finally {
        folders.close();
        st.close();
      }
    });
}
