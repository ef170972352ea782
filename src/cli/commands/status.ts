/** `status`: the queue, the budget, the next window, the peers, recent sessions. */
import type { Command } from 'commander';
import { Station, stationStatus, openStationQueue } from '../../index.js';
import { printResult } from '../output.js';
import { defaultHome, HOME_HELP } from '../options.js';

function amount(v: number, unit: string): string {
  return Number.isFinite(v) ? `${Math.round(v)} ${unit}` : `unlimited ${unit}`;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('queue (per transfer: destination, bytes, % acknowledged, priority, age, ETA), budget left, next window, recent sessions')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON')
    .action((o: { home: string; json?: boolean }) => {
      const st = Station.open(o.home);
      try {
        const queue = openStationQueue(st);
        const s = stationStatus(st, queue);
        queue.close();
        const t = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + 'Z');
        const dur = (ms: number) => (ms < 90_000 ? `${Math.round(ms / 1000)} s` : ms < 5_400_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);
        printResult(
          o,
          [
            `station ${s.callsign} (${s.home})`,
            `records: ${s.records.rows} rows in ${s.records.tables.join(', ') || 'no tables'}; log ${s.records.logEntries} changes; ${s.records.conflicts} conflicts kept; ${s.records.parked} rows waiting for parents`,
            s.queue.length === 0
              ? 'queue: empty'
              : ['queue:', '  ID     TO              BYTES   ACKED  PRIO  AGE       ETA', ...s.queue.map((q) => `  ${String(q.transferId).padEnd(6)} ${q.to.join(',').padEnd(15)} ${String(q.bytes).padStart(6)} ${`${q.percentAcked.toFixed(0)}%`.padStart(7)} ${String(q.priority).padStart(5)}  ${dur(q.ageMs).padEnd(9)} ${dur(q.etaMs)}`)].join('\n'),
            `budget left: ${amount(s.budget.bytesHour, 'B')} / ${amount(s.budget.airtimeMsHour / 1000, 's')} this hour, ${amount(s.budget.bytesDay, 'B')} / ${amount(s.budget.airtimeMsDay / 1000, 's')} today`,
            `transmit window: ${s.window.open ? (s.window.until === null ? 'always open (no windows configured)' : `open until ${t(s.window.until)}`) : s.window.next === null ? 'none scheduled' : `next ${t(s.window.next)}`}`,
            `peers: ${s.peers.map((p) => `${p.callsign} ${p.state}, ${p.pendingRows} pending`).join('; ') || 'none'}`,
            `dropped input: ${Object.entries(s.dropped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
            'recent sessions:',
            ...(s.sessions.length === 0 ? ['  none'] : s.sessions.map((x) => `  ${t(x.started)} ${x.kind.padEnd(8)} ${x.peers.join(',').padEnd(14)} ${x.ok === null ? 'running' : x.ok ? 'ok' : 'incomplete'} ${x.summary ? JSON.stringify(x.summary) : ''}`)),
          ],
          s,
        );
      } finally {
        st.close();
      }
    });
}
