/**
 * `npm run bench -- scale` (issue 15): time and peak RSS (/usr/bin/time -f %M) of the real
 * `radiosync init`, `export` and `import` (dist/cli/main.js: run `npm run build` first) on a person
 * table of 20,000, 200,000 and 1,000,000 rows. Station N0AAA holds the rows (init with snapshot),
 * exports them all to N0BBB (an empty copy of the schema), which imports the bundle.
 * Targets at 1,000,000 rows: each command ≤ 300 MB peak RSS, one export carries the whole table,
 * cost per row within 1.3× of the cost at 20,000.
 * `RADIOSYNC_BENCH_SCALE=20000,200000` chooses the sizes (default: all three; 1M takes long on a
 * small machine).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BenchReport } from './report.js';
import { BIN } from '../cli/cliHarness.js';
import { createEmptySampleDb } from '../../src/demo/sampleData.js';

function fill(file: string, n: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // lower-case v4 UUIDs, names and a short note: about 120 bytes of app data per row
  db.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
     INSERT INTO person(uuid, first_name, last_name, age, status, lat, lon, phone, notes)
     SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
       substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       'Given' || i, 'Family' || (i % 977), i % 90, CASE i % 3 WHEN 0 THEN 'missing' WHEN 1 THEN 'found' ELSE 'injured' END,
       27.7 + (i % 1000) / 10000.0, 85.3 + (i % 777) / 10000.0, '+977-' || (9800000000 + i), 'seen near post ' || (i % 131)
     FROM k`,
  ).run(n);
  db.pragma('journal_mode = DELETE');
  db.close();
}

function timed(args: string[]): { rssMB: number; seconds: number; code: number; stdout: string } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const kb = Number(r.stderr.trim().split('\n').pop());
  if (r.status !== 0) console.error(r.stderr.slice(-2000));
  return { rssMB: kb / 1024, seconds: (Date.now() - t) / 1000, code: r.status ?? -1, stdout: r.stdout };
}

function plain(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`radiosync ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export async function run(): Promise<BenchReport> {
  const sizes = (process.env['RADIOSYNC_BENCH_SCALE'] ?? '20000,200000,1000000').split(',').map(Number);
  const rows: Array<Record<string, string | number>> = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'radiosync-bench-scale-'));
    try {
      const a = { home: join(dir, 'a'), db: join(dir, 'a.sqlite') };
      const b = { home: join(dir, 'b'), db: join(dir, 'b.sqlite') };
      createEmptySampleDb(a.db);
      createEmptySampleDb(b.db);
      fill(a.db, n);
      const appBytes = statSync(a.db).size;
      const init = timed(['init', '--home', a.home, '--callsign', 'N0AAA', '--db', a.db, '--tables', 'person']);
      plain(['init', '--home', b.home, '--callsign', 'N0BBB', '--db', b.db, '--tables', 'person']);
      const ka = plain(['key', '--home', a.home]).trim();
      const kb = plain(['key', '--home', b.home]).trim();
      plain(['peer', 'add', 'N0BBB', '--key', kb, '--home', a.home]);
      plain(['peer', 'add', 'N0AAA', '--key', ka, '--home', b.home]);
      const bundle = join(dir, 'all.rsb');
      const exp = timed(['export', '--to', 'N0BBB', '--out', bundle, '--home', a.home, '--json']);
      let changesets: number | string = '';
      try {
        changesets = (JSON.parse(exp.stdout) as { changesets?: number }).changesets ?? '';
      } catch {
        // the table says exit ≠ 0
      }
      const imp = timed(['import', bundle, '--home', b.home, '--json']);
      const held = (() => {
        const d = new Database(b.db, { readonly: true });
        const c = (d.prepare('SELECT count(*) AS c FROM person').get() as { c: number }).c;
        d.close();
        return c;
      })();
      const dbBytes = statSync(a.db).size;
      for (const [cmd, m] of [['init', init], ['export', exp], ['import', imp]] as const) {
        rows.push({
          rows: n, command: cmd, 'peak RSS MB': m.rssMB, seconds: m.seconds, 'µs per row': (m.seconds * 1e6) / n, exit: m.code,
          note: cmd === 'init' ? `db ×${(dbBytes / appBytes).toFixed(2)} of the app's after init` : cmd === 'export' ? `${changesets} changeset(s), ${(statSync(bundle).size / 2 ** 20).toFixed(1)} MiB` : `${held} rows at N0BBB`,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    tables: [{
      title: 'scale: the real CLI on a person table (init with snapshot, export everything, import at an empty peer)',
      columns: ['rows', 'command', 'peak RSS MB', 'seconds', 'µs per row', 'exit', 'note'],
      rows,
      notes: ['peak RSS from /usr/bin/time -f %M; target ≤ 300 MB at 1,000,000 rows', 'seconds are wall time on a shared 2-core machine: indicative only'],
    }],
  };
}
