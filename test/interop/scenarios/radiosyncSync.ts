/**
 * Scenario (run inside a private network namespace by netns.ts): two radiosync stations sync
 * through two real Dire Wolf TNCs joined by the audio channel. Station A (a slice of the sample
 * database) talks to Dire Wolf A over KISS TCP; station B (the empty schema) talks to Dire Wolf B
 * through its KISS pseudo-terminal with serialport — the real serial code path against a real KISS
 * peer. Both are the real `radiosync` binary (dist/cli/main.js) in their own processes.
 *
 *   1. A `send` → B `receive --once`   (the initial load, a few KB)
 *   2. edits at both stations, then A `sync --with B` ⇄ B `receive --once`
 *
 * argv[2]: JSON of RadiosyncSyncArgs. Prints RESULT RadiosyncSyncResult.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { copySampleDb, createEmptySampleDb } from '../../../src/demo/sampleData.js';
import { Station } from '../../../src/station/Station.js';
import { tableFingerprints } from '../../../src/sync/tableFingerprint.js';
import { decodedFrames, summarizeLog, type LogSummary } from '../direwolfLog.js';
import { startHarness, type HarnessOptions } from '../harness.js';
import { generatePersonRows, PERSON_SEED, uuidToString } from '../../../fixtures/gen/personTable.js';
import { onCleanup, runScenario } from '../scenarioMain.js';

const BIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

export interface RadiosyncSyncArgs {
  harness: HarnessOptions;
  /** Persons kept in A's slice of the sample database (shelters are all kept). */
  persons: number;
  timeoutS: number;
  /**
   * Instead of the sample database: the first N rows of the seeded person table
   * (fixtures/gen/personTable.ts), the data of the interop benchmark's baseline; load only.
   */
  personTableRows?: number;
}

interface Run {
  code: number;
  json: Record<string, unknown> | null;
  stderr: string;
  wallMs: number;
}

export interface RadiosyncSyncResult {
  load: { send: Run; receive: Run };
  sync: { sync: Run; receive: Run };
  identical: boolean;
  rows: Record<string, number>;
  /** Our frames in B's and A's Dire Wolf logs, decoded as AX.25 with our callsigns. */
  decodedAtB: number;
  decodedAtA: number;
  logA: LogSummary;
  logB: LogSummary;
  /** Frames station A dropped as foreign (e.g. Dire Wolf B's beacon). */
  foreignAtA: number;
  channel: unknown;
}

/** Environment of the radiosync processes (config overrides such as the duty cycle go here). */
const childEnv: NodeJS.ProcessEnv = { ...process.env };

function run(args: string[], timeoutMs: number): Promise<Run> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(out) as Record<string, unknown>;
      } catch {
        json = null;
      }
      resolve({ code: code ?? -1, json, stderr: err.slice(-2000), wallMs: Date.now() - start });
    });
  });
}

async function cli(args: string[]): Promise<Run> {
  const r = await run(args, 60_000);
  if (r.code !== 0) throw new Error(`radiosync ${args.join(' ')} → ${r.code}: ${r.stderr}`);
  return r;
}

runScenario(async (): Promise<RadiosyncSyncResult> => {
  const args = JSON.parse(process.argv[2] ?? '{}') as RadiosyncSyncArgs;
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-dw-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  let tables = 'shelter,person';
  if (args.personTableRows !== undefined) {
    // The benchmark compares protocols: (b), Dire Wolf's connected mode, has no duty-cycle cap, so
    // (a) runs without radiosync's default one (50 % of any 10 minutes), which would otherwise pace
    // any transfer longer than 5 minutes of airtime by design.
    childEnv.RADIOSYNC_SCHEDULE_DUTY_CYCLE_PCT = '100';
    // the benchmark's data: the seeded person table, as an application would hold it
    tables = 'person';
    for (const file of ['a.sqlite', 'b.sqlite']) {
      const d = new Database(join(dir, file));
      d.exec('CREATE TABLE person (uuid TEXT PRIMARY KEY, given_name TEXT, family_name TEXT, age INTEGER, status TEXT, shelter_id TEXT, lat REAL, lon REAL, phone TEXT, notes TEXT)');
      if (file === 'a.sqlite') {
        const ins = d.prepare('INSERT INTO person VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
        d.transaction(() => {
          for (const r of generatePersonRows(args.personTableRows, PERSON_SEED)) {
            ins.run(uuidToString(r.id), r.given_name, r.family_name, r.age, r.status, uuidToString(r.shelter_id), r.lat, r.lon, r.phone, r.notes);
          }
        })();
      }
      d.close();
    }
  } else {
    // A: the sample database cut to a few KB of changes; B: the empty schema
    copySampleDb(join(dir, 'a.sqlite'));
    const db = new Database(join(dir, 'a.sqlite'));
    db.prepare('DELETE FROM supply_request').run();
    db.prepare('DELETE FROM person WHERE id > ?').run(args.persons);
    db.close();
    createEmptySampleDb(join(dir, 'b.sqlite'));
  }
  const radio = ['--bitrate', String(args.harness.modem ?? 1200)];
  for (const [home, call, file] of [['A', 'N0AAA', 'a.sqlite'], ['B', 'N0BBB', 'b.sqlite']] as const) {
    await cli(['init', '--home', join(dir, home), '--callsign', call, '--db', join(dir, file), '--tables', tables]);
  }
  const keyA = ((await cli(['key', '--home', join(dir, 'A')])).json as { key: string }).key;
  const keyB = ((await cli(['key', '--home', join(dir, 'B')])).json as { key: string }).key;
  await cli(['peer', 'add', 'N0BBB', '--key', keyB, '--home', join(dir, 'A')]);
  await cli(['peer', 'add', 'N0AAA', '--key', keyA, '--home', join(dir, 'B')]);

  const h = await startHarness(args.harness);
  onCleanup(() => h.stop());
  const tcpA = ['--kiss-tcp', `127.0.0.1:${h.a.kissPort}`];
  const ptyB = ['--port', h.b.ptyPath, '--baud', '9600'];
  const limit = args.timeoutS * 1000;

  // 1. initial load
  const recv1 = run(['receive', '--home', join(dir, 'B'), ...ptyB, ...radio, '--once', '--timeout', String(args.timeoutS)], limit + 20_000);
  await new Promise((r) => setTimeout(r, 1500)); // Dire Wolf polls for new KISS clients once a second
  const send1 = await run(['send', '--home', join(dir, 'A'), '--to', 'N0BBB', ...tcpA, ...radio, '--timeout', String(args.timeoutS)], limit + 20_000);
  const recvDone1 = await recv1;

  if (args.personTableRows !== undefined) {
    const a = Station.open(join(dir, 'A'), { env: {} });
    const b = Station.open(join(dir, 'B'), { env: {} });
    const identical = JSON.stringify(tableFingerprints(a.records)) === JSON.stringify(tableFingerprints(b.records));
    const rows = Object.fromEntries(tableFingerprints(a.records).map((t) => [t.table, t.rows]));
    a.close();
    b.close();
    const none: Run = { code: 0, json: null, stderr: '', wallMs: 0 };
    return {
      load: { send: send1, receive: recvDone1 },
      sync: { sync: none, receive: none },
      identical,
      rows,
      decodedAtB: 0,
      decodedAtA: 0,
      logA: summarizeLog(h.a.lines),
      logB: summarizeLog(h.b.lines),
      foreignAtA: 0,
      channel: h.channelStats(),
    };
  }

  // 2. edits both ways through plain SQL, then one sync session
  const edit = (file: string, sql: string) => {
    const d = new Database(join(dir, file));
    d.prepare(sql).run();
    d.close();
  };
  edit('a.sqlite', "UPDATE person SET status = 'found' WHERE id IN (SELECT id FROM person ORDER BY id LIMIT 3)");
  edit('b.sqlite', "UPDATE shelter SET population = coalesce(population, 0) + 7 WHERE id IN (SELECT id FROM shelter WHERE deleted = 0 ORDER BY id DESC LIMIT 2)");
  const recv2 = run(['receive', '--home', join(dir, 'B'), ...ptyB, ...radio, '--once', '--timeout', String(args.timeoutS)], limit + 20_000);
  await new Promise((r) => setTimeout(r, 1500));
  const sync2 = await run(['sync', '--home', join(dir, 'A'), '--with', 'N0BBB', ...tcpA, ...radio, '--timeout', String(args.timeoutS)], limit + 20_000);
  const recvDone2 = await recv2;

  const a = Station.open(join(dir, 'A'), { env: {} });
  const b = Station.open(join(dir, 'B'), { env: {} });
  const fa = tableFingerprints(a.records);
  const fb = tableFingerprints(b.records);
  a.close();
  b.close();
  const ours = (lines: readonly string[]) => decodedFrames(lines).filter((f) => (f.source === 'N0AAA' && f.destination === 'N0BBB') || (f.source === 'N0BBB' && f.destination === 'N0AAA')).length;
  const counters = (r: Run) => ((r.json?.counters ?? {}) as { foreignFrames?: number }).foreignFrames ?? 0;
  return {
    load: { send: send1, receive: recvDone1 },
    sync: { sync: sync2, receive: recvDone2 },
    identical: JSON.stringify(fa) === JSON.stringify(fb),
    rows: Object.fromEntries(fa.map((t) => [t.table, t.rows])),
    decodedAtB: ours(h.b.lines),
    decodedAtA: ours(h.a.lines),
    logA: summarizeLog(h.a.lines),
    logB: summarizeLog(h.b.lines),
    foreignAtA: counters(send1) + counters(sync2),
    channel: h.channelStats(),
  };
});
