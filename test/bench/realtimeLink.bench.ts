/**
 * `npm run bench -- realtime`: the link over the independent real-time channel
 * (test/channel/kissTcpChannel.ts, its own process), driven by the built CLI (`npm run build`
 * first). Wall-clock time: the default matrix takes hours; narrow it with the variables below.
 *
 *   table   the 2,000-row person table (fixtures/gen/personTable.ts, ~58 KB), `send` + `receive`,
 *           at each loss of RADIOSYNC_RT_LOSS (default 0.1,0.3) over RADIOSYNC_RT_SEEDS seeds (20)
 *   sync    a 10-edit sync both ways (5 row edits + 1 file on each side) at p = 0 and 0.1,
 *           RADIOSYNC_RT_SYNC_SEEDS seeds (5)
 *   folder  a 200 KB folder (incompressible files) at p = 0.1, RADIOSYNC_RT_FOLDER_SEEDS seeds (3)
 *   daemon  two daemons, a 2-minute window every 3 minutes, ~200 KB of report text queued at HQ
 *   failover two daemons with radio and online (issue #16): A's online session to B is cut
 *           mid-changeset, by a close and silently, RADIOSYNC_RT_FAILOVER_SEEDS seeds each (3) at
 *           p = 0.05: seconds from the cut to A giving online up, to A's radio queueing for B
 *           (the failover; target ≤ 30 s), and to both stations converged over the radio
 *
 * RADIOSYNC_RT_PARTS (default table,sync,folder,daemon), RADIOSYNC_RT_BITRATE (9600),
 * RADIOSYNC_RT_TXDELAY (300 ms). Each run's CLI timeout is 3 × its bound + 60 s.
 *
 * Ratio = the channel's busy time (every key-up of both stations, TXDELAY and TXTAIL included,
 * as the channel itself accounted it) / the erasure bound for the payload (docs/radio-facts.md):
 *   bound s = payload·8·(P + H)·(1 + 1/62) / (P·R·(1 − p)),  P = 256 (radio.frame_bytes), H = 20,
 * payload = the changeset bytes the CLI reports (`sent.bytes`). Targets (issue 12): table ≤ 1.15×
 * at p = 0.1 and ≤ 1.25× at p = 0.3 with all seeds complete; sync ≤ 4 key-ups and ≤ 1.5× at p = 0.
 */
import { generatePersonRows, PERSON_SEED, uuidToString } from '../../fixtures/gen/personTable.js';
import type { BenchReport, BenchTable } from './report.js';
import { sendReceive, syncBothWays, daemons, failover, type ChannelCase, type Data, type Outcome } from '../system/scenarios.js';
import { errorCode, type CliResult } from '../system/cli.js';
import { summarize } from '../system/outcome.js';
import type { AppTable, Row } from '../system/stationHome.js';

const env = process.env;
const BITRATE = Number(env.RADIOSYNC_RT_BITRATE ?? 9600);
const TXDELAY = Number(env.RADIOSYNC_RT_TXDELAY ?? 300);
const LOSSES = (env.RADIOSYNC_RT_LOSS ?? '0.1,0.3').split(',').map(Number);
const SEEDS = Number(env.RADIOSYNC_RT_SEEDS ?? 20);
const SYNC_SEEDS = Number(env.RADIOSYNC_RT_SYNC_SEEDS ?? 5);
const FOLDER_SEEDS = Number(env.RADIOSYNC_RT_FOLDER_SEEDS ?? 3);
const FAILOVER_SEEDS = Number(env.RADIOSYNC_RT_FAILOVER_SEEDS ?? 3);
const PARTS = (env.RADIOSYNC_RT_PARTS ?? 'table,sync,folder,daemon').split(',');
const FRAME_P = 256;
const H = 20;

/** The erasure bound, seconds, for `payload` bytes at loss p. */
export function boundS(payload: number, p: number, bitrate = BITRATE): number {
  return (payload * 8 * (FRAME_P + H) * (1 + 1 / 62)) / (FRAME_P * bitrate * (1 - p));
}

const PERSON: AppTable = {
  name: 'person',
  schema: 'CREATE TABLE person (uuid TEXT PRIMARY KEY, given_name TEXT NOT NULL, family_name TEXT NOT NULL, age INTEGER, status TEXT, shelter_id TEXT, lat REAL, lon REAL, phone TEXT, notes TEXT)',
};
const personRows = (): Row[] =>
  generatePersonRows(2000, PERSON_SEED).map((r) => ({ uuid: uuidToString(r.id), given_name: r.given_name, family_name: r.family_name, age: r.age, status: r.status, shelter_id: uuidToString(r.shelter_id), lat: r.lat, lon: r.lon, phone: r.phone, notes: r.notes }));

/** Estimated payloads (for timeouts only; the ratio uses what the CLI reports). */
const TABLE_PAYLOAD = 58_000;
const FOLDER_PAYLOAD = 205_000;

function sentBytes(r: CliResult | undefined): number {
  try {
    return (JSON.parse(r?.stdout ?? '') as { sent?: { bytes?: number } }).sent?.bytes ?? 0;
  } catch {
    return 0;
  }
}

function row(part: string, p: number, seed: number, o: Outcome, payload: number, extra: Record<string, string | number> = {}): Record<string, string | number> {
  const ok = Object.values(o.runs).every((r) => r.code === 0) && o.tableDiff.length === 0 && o.folderDiff.length === 0;
  const bound = boundS(payload, p);
  return {
    part,
    loss: p,
    seed,
    complete: ok ? 'yes' : 'NO',
    exits: Object.entries(o.runs).map(([k, r]) => `${k}=${r.code ?? r.signal}`).join(' '),
    error: Object.values(o.runs).map((r) => errorCode(r)).filter((c) => c !== undefined).join(',') || '-',
    'payload B': payload,
    'air s': o.channel.busyMs / 1000,
    'bound s': bound,
    ratio: payload > 0 ? o.channel.busyMs / 1000 / bound : '-',
    'key-ups': o.channel.keyUps,
    frames: o.channel.framesOnAir,
    'wall s': o.wallMs / 1000,
    ...extra,
  };
}

function summaryRows(rows: Array<Record<string, string | number>>, targets: Record<string, number>): Array<Record<string, string | number>> {
  const groups = new Map<string, Array<Record<string, string | number>>>();
  for (const r of rows) groups.set(`${r.part} p=${r.loss}`, [...(groups.get(`${r.part} p=${r.loss}`) ?? []), r]);
  return [...groups].map(([k, rs]) => {
    const done = rs.filter((r) => r.complete === 'yes');
    const ratios = done.map((r) => r.ratio).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
    const keyups = done.map((r) => r['key-ups'] as number).sort((a, b) => a - b);
    const median = (xs: number[]) => (xs.length % 2 === 1 ? xs[(xs.length - 1) / 2]! : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2);
    const target = targets[k];
    return {
      case: k,
      complete: `${done.length}/${rs.length}`,
      'median ratio': ratios.length ? median(ratios) : '-',
      'max ratio': ratios.length ? ratios.at(-1)! : '-',
      'median key-ups': keyups.length ? median(keyups) : '-',
      target: target === undefined ? '-' : `≤ ${target}×, all complete`,
      met: target === undefined ? '-' : done.length === rs.length && ratios.length > 0 && ratios.at(-1)! <= target ? 'yes' : 'NO',
    };
  });
}

const cols = ['part', 'loss', 'seed', 'complete', 'exits', 'error', 'payload B', 'air s', 'bound s', 'ratio', 'key-ups', 'frames', 'wall s'];

export async function run(): Promise<BenchReport> {
  const rows: Array<Record<string, string | number>> = [];
  const failures: string[] = [];
  const log = (r: Record<string, string | number>, o: Outcome) => {
    rows.push(r);
    console.log(`  ${r.part} p=${r.loss} seed ${r.seed}: ${r.complete} ratio ${typeof r.ratio === 'number' ? r.ratio.toFixed(3) : r.ratio} key-ups ${r['key-ups']} (${(r['wall s'] as number).toFixed(0)} s)`);
    if (r.complete !== 'yes') failures.push(`${r.part} p=${r.loss} seed ${r.seed}: ${summarize(o)}`);
  };
  const base = (p: number, seed: number, timeoutS: number): ChannelCase => ({ bitrate: BITRATE, loss: String(p), seed, txdelayMs: TXDELAY, timeoutS: Math.ceil(timeoutS) });

  if (PARTS.includes('table')) {
    const data: Data = { rows: 2000, files: {}, table: { table: PERSON, rows: personRows } };
    for (const p of LOSSES) {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const o = await sendReceive(base(p, seed, 3 * boundS(TABLE_PAYLOAD, p) + 60), data);
        log(row('table', p, seed, o, sentBytes(o.runs.send)), o);
      }
    }
  }
  if (PARTS.includes('sync')) {
    const data: Data = { rows: 30, files: { 'sitrep.md': 1500 } };
    for (const p of [0, 0.1]) {
      for (let seed = 1; seed <= SYNC_SEEDS; seed++) {
        const o = await syncBothWays(base(p, seed, 120), data, 5);
        log(row('sync', p, seed, o, sentBytes(o.runs.sync) + sentBytes(o.runs.receive)), o);
      }
    }
  }
  if (PARTS.includes('folder')) {
    const data: Data = { rows: 5, files: { 'sitrep.md': 4000 }, binaryFiles: { 'photos/bridge.jpg': 120_000, 'photos/road.jpg': 80_000 } };
    for (let seed = 1; seed <= FOLDER_SEEDS; seed++) {
      const o = await sendReceive(base(0.1, seed, 3 * boundS(FOLDER_PAYLOAD, 0.1) + 60), data);
      log(row('folder', 0.1, seed, o, sentBytes(o.runs.send)), o);
    }
  }
  if (PARTS.includes('daemon')) {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`reports/r${i}.md`, 10_000]));
    const o = await daemons(base(0.1, 1, 420), { rows: 200, files }, { cron: '*/3 * * * *', durationMin: 2 });
    log(row('daemon', 0.1, 1, o, sentBytes(o.runs.daemonA) + sentBytes(o.runs.daemonB)), o);
    rows.at(-1)!['converged s'] = o.convergedMs / 1000;
  }
  const fo: Array<Record<string, string | number>> = [];
  if (PARTS.includes('failover')) {
    for (const mode of ['close', 'silent'] as const) {
      for (let seed = 1; seed <= FAILOVER_SEEDS; seed++) {
        const o = await failover(base(0.05, seed, 240), { rows: 300, files: { 'sitrep.md': 3000 } }, mode);
        const s = (ms: number) => (Number.isFinite(ms) && ms >= 0 ? ms / 1000 : '-');
        const r = {
          cut: mode, seed, 'online bytes': o.onlineBytes, 'radio before cut': o.radioBeforeCut,
          'given up s': s(o.failedMs), 'failover s': s(o.failoverMs), 'converged s': o.converged ? s(o.convergedMs) : 'NO',
          target: '≤ 30 s', met: Number.isFinite(o.failoverMs) && o.failoverMs <= 30_000 && o.converged ? 'yes' : 'NO',
        };
        fo.push(r);
        console.log(`  failover ${mode} seed ${seed}: given up ${r['given up s']} s, radio queued ${r['failover s']} s, converged ${r['converged s']} s`);
        if (!o.converged) failures.push(`failover ${mode} seed ${seed}: ${summarize(o)}`);
      }
    }
  }

  const tables: BenchTable[] = [
    { title: `Real-time link over the independent KISS-TCP channel, ${BITRATE} bit/s, TXDELAY ${TXDELAY} ms`, columns: cols, rows: rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? '']))), notes: ['ratio = channel busy time (both stations) / erasure bound of the reported payload', ...failures.map((f) => f.split('\n')[0]!)] },
    { title: 'Per case: completion and ratio to the erasure bound', columns: ['case', 'complete', 'median ratio', 'max ratio', 'median key-ups', 'target', 'met'], rows: summaryRows(rows, { 'table p=0.1': 1.15, 'table p=0.3': 1.25, 'sync p=0': 1.5 }) },
  ];
  if (fo.length > 0) {
    tables.push({
      title: 'Failover, online → radio: two daemons, A\'s online session to B cut mid-changeset (seconds from the cut)',
      columns: ['cut', 'seed', 'online bytes', 'radio before cut', 'given up s', 'failover s', 'converged s', 'target', 'met'],
      rows: fo,
      notes: [
        'close: both sockets closed (the peer process died); silent: nothing forwarded, nothing closed (a cable pulled): A notices by its stall timeout (15 s)',
        'failover s: A\'s radio queues its changeset for B (the `queued` event); converged: both tables and folders identical, both queues empty',
        '300 report rows + a 3 KB file at A, 75 rows + a file at B, 9600 bit/s, p = 0.05, no transmit window (any time)',
      ],
    });
  }
  return { tables, extra: { bitrate: BITRATE, txdelayMs: TXDELAY, frameP: FRAME_P, overheadH: H, runs: rows, failover: fo, failures } };
}
