/**
 * Crash trials: start the station child, SIGKILL it at a random moment, and check on disk, before
 * restarting it, that
 * - `PRAGMA integrity_check` is ok for every database (application DBs, station DBs, queues);
 * - nothing is half-applied: every edit batch is wholly present or wholly absent at the other station;
 * - no acknowledged data is lost: what a station's cursor says its peer acknowledged, the peer holds;
 * then, after all trials, a drain run must bring both stations to identical data with empty queues.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { Station } from '../../src/station/Station.js';
import { Prng } from '../../src/util/prng.js';
import { emptyStations } from '../security/airRig.js';
import { tempDir } from '../sync/stations.js';

const CHILD = fileURLToPath(new URL('./station.child.ts', import.meta.url));
const CALLS = ['N0AAA', 'N0BBB'];
const BATCH_ROWS = 7;

export interface TrialCheck {
  trial: number;
  killedAfterMs: number;
  batches: Record<string, number>;
  problems: string[];
}

export interface CrashReport {
  trials: TrialCheck[];
  problems: string[];
  drain: { ok: boolean; output: string };
  rows: Record<string, number>;
}

function runChild(mode: 'run' | 'drain', dir: string, seed: number, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; out: string; killedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let readyAt = 0;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!readyAt && out.includes('ready\n')) {
        readyAt = Date.now();
        if (killAfterMs !== undefined) setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const guard = setTimeout(() => p.kill('SIGKILL'), mode === 'drain' ? 300_000 : 120_000);
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL' && code !== 0 && mode === 'run') return reject(new Error(`child exited ${code}: ${err.slice(-2000)}`));
      resolve({ code, signal, out: out + err, killedAfterMs: readyAt ? Date.now() - readyAt : -1 });
    });
  });
}

function integrity(file: string): string {
  const db = new Database(file, { fileMustExist: true }); // read-write: a restart recovers the journal first, as the station would
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
  } finally {
    db.close();
  }
}

/** Batches each station made, and for each the number of its rows the other station holds. */
function batchCounts(db: Database.Database, origin: string): Map<string, number> {
  const rows = db.prepare('SELECT notes, count(*) AS n FROM person WHERE notes LIKE ? GROUP BY notes').all(`batch:${origin}:%`) as Array<{ notes: string; n: number }>;
  return new Map(rows.map((r) => [r.notes, r.n]));
}

export function checkDisk(dir: string): { problems: string[]; batches: Record<string, number> } {
  const problems: string[] = [];
  for (const c of CALLS) {
    for (const f of [join(dir, `${c}.sqlite`), join(dir, c, 'station.sqlite'), join(dir, c, 'link.sqlite')]) {
      try {
        const r = integrity(f);
        if (r !== 'ok') problems.push(`${f}: integrity_check: ${r}`);
      } catch (e) {
        if (!String(e).includes('does not exist') && !String(e).includes('unable to open')) problems.push(`${f}: ${String(e)}`);
      }
    }
  }
  const clock = new ManualClock(Date.now());
  const st = CALLS.map((c) => Station.open(join(dir, c), { clock, env: {} }));
  const batches: Record<string, number> = {};
  try {
    for (let i = 0; i < 2; i++) {
      const me = st[i]!;
      const other = st[1 - i]!;
      const made = batchCounts(me.records.db, me.callsign);
      batches[me.callsign] = made.size;
      for (const [tag, n] of made) if (n !== BATCH_ROWS) problems.push(`${me.callsign} holds ${n} rows of its own ${tag}`);
      for (const [tag, n] of batchCounts(other.records.db, me.callsign)) {
        if (n !== BATCH_ROWS) problems.push(`half-applied: ${other.callsign} holds ${n}/${BATCH_ROWS} rows of ${tag}`);
      }
      // acknowledged ⇒ held: my cursor for the other station never exceeds what it has of mine
      const acked = me.records.peer(other.callsign)?.acked[me.callsign] ?? 0;
      const held = other.records.versionVector()[me.callsign] ?? 0;
      if (acked > held) problems.push(`lost acknowledged data: ${me.callsign} thinks ${other.callsign} holds its changes up to ${acked}, it holds ${held}`);
    }
  } finally {
    for (const s of st) s.close();
  }
  return { problems, batches };
}

export function setupCrashDir(): { dir: string; cleanup: () => void } {
  const t = tempDir('radiosync-crash-');
  const sts = emptyStations(t.dir, CALLS, new ManualClock(Date.now()));
  for (const s of sts) s.close();
  return t;
}

export async function runCrashTrials(opts: { trials: number; seed?: number; dir: string; maxKillMs?: number; onTrial?: (t: TrialCheck) => void }): Promise<CrashReport> {
  const rng = new Prng(opts.seed ?? 1);
  const trials: TrialCheck[] = [];
  const problems: string[] = [];
  for (let i = 0; i < opts.trials; i++) {
    const killAfter = rng.int(opts.maxKillMs ?? 1500);
    const r = await runChild('run', opts.dir, (opts.seed ?? 1) * 1000 + i, killAfter);
    const c = checkDisk(opts.dir);
    const t: TrialCheck = { trial: i, killedAfterMs: r.killedAfterMs, batches: c.batches, problems: c.problems };
    trials.push(t);
    problems.push(...c.problems.map((p) => `trial ${i}: ${p}`));
    opts.onTrial?.(t);
  }
  const d = await runChild('drain', opts.dir, 424242);
  const after = checkDisk(opts.dir);
  problems.push(...after.problems.map((p) => `after drain: ${p}`));
  const clock = new ManualClock(Date.now());
  const st = CALLS.map((c) => Station.open(join(opts.dir, c), { clock, env: {} }));
  const rows: Record<string, number> = {};
  for (const s of st) rows[s.callsign] = (s.records.db.prepare('SELECT count(*) AS n FROM person').get() as { n: number }).n;
  for (const s of st) s.close();
  return { trials, problems, drain: { ok: d.code === 0 && d.out.includes('"ok":true'), output: d.out.trim().split('\n').pop() ?? '' }, rows };
}
