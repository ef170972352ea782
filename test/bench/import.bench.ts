/**
 * `npm run bench -- import`: peak memory (max RSS, from /usr/bin/time) of the real `radiosync
 * import` (dist/cli/main.js: run `npm run build` first) on large bundles from a trusted peer
 * (issue 18: import streams changeset by changeset). Cases:
 * - a bundle near the 256 MiB cap: 56 changesets of 40 person rows with ~150 KiB of random text each;
 * - the 40 × 100,000 tiny rows (a relay-only table, quotas raised so every row is kept).
 * Target: ≤ 300 MB peak RSS for the 256 MiB bundle.
 * `RADIOSYNC_BENCH_IMPORT=tiny` (or `256`) runs one case only.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from './report.js';
import type { RowChange } from '../../src/changeset/Changeset.js';
import { decodeBundle, encodeBundle } from '../../src/bundle/bundle.js';
import { BIN } from '../cli/cliHarness.js';
import { CALLS, craft, hlcAt, makeRig, newId, randomExportId, type Rig } from '../security/hostilePeer.js';

function bundleOf(rig: Rig, name: string, changesets: number, rows: (seq: number) => RowChange): string {
  const files: string[] = [];
  let seq = 0;
  for (let k = 0; k < changesets; k++) {
    const n = rows(0).table === 'person' ? 40 : 100_000;
    files.push(craft(rig, Array.from({ length: n }, () => rows(++seq)), { format: 2 }));
  }
  const items = files.flatMap((f) => {
    const b = decodeBundle(new Uint8Array(readFileSync(f)));
    rmSync(f);
    return b.items;
  });
  const out = join(rig.dir, name);
  writeFileSync(out, encodeBundle({ from: CALLS.bad, to: [CALLS.victim], created: Date.now(), exportId: randomExportId(), part: 1, parts: 1, items }));
  return out;
}

function measure(rig: Rig, file: string): { rssMB: number; seconds: number; code: number } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'import', file, '--home', rig.home.victim, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, RADIOSYNC_LIMITS_RELAY_ROWS_PER_PEER: '1000000000', RADIOSYNC_LIMITS_RELAY_BYTES_PER_PEER: String(2 ** 40) },
    maxBuffer: 1 << 26,
  });
  const kb = Number(r.stderr.trim().split('\n').pop());
  if (r.status !== 0) console.error(r.stderr.slice(-2000));
  return { rssMB: kb / 1024, seconds: (Date.now() - t) / 1000, code: r.status ?? -1 };
}

/** Changesets in the big bundle: 56 of ~4.5 MiB (base64 text deflates to ¾) make ~252 MiB, just under the 256 MiB cap. */
const BIG_CHANGESETS = 56;

export async function run(): Promise<BenchReport> {
  const rows: Array<Record<string, string | number>> = [];
  const t0 = Date.now() - 86_400_000;
  const only = process.env['RADIOSYNC_BENCH_IMPORT'];
  for (const c of ['256 MiB', 'tiny'] as const) {
    if (only !== undefined && !c.startsWith(only)) continue;
    const dir = mkdtempSync(join(tmpdir(), 'radiosync-bench-import-'));
    try {
      const rig = makeRig(dir);
      const file = c === '256 MiB'
        ? bundleOf(rig, 'big.rsb', BIG_CHANGESETS, (seq) => ({ table: 'person', id: newId().id, origin: CALLS.bad, seq, hlc: hlcAt(t0 + seq), kind: 'upsert', fields: { first_name: `P${seq}`, last_name: 'Bench', age: seq % 90, status: 'ok', notes: randomBytes(112 * 1024).toString('base64') } }))
        : bundleOf(rig, 'tiny.rsb', 40, (seq) => ({ table: 'relay_only', id: newId().id, origin: CALLS.bad, seq, hlc: hlcAt(t0 + seq), kind: 'upsert', fields: { n: seq % 1000 } }));
      const m = measure(rig, file);
      rows.push({ bundle: c === '256 MiB' ? `${BIG_CHANGESETS} × 40 rows of ~150 KiB` : '40 × 100,000 tiny rows', 'bundle MiB': statSync(file).size / 2 ** 20, 'peak RSS MB': m.rssMB, seconds: m.seconds, exit: m.code });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    tables: [{
      title: 'radiosync import (real CLI): peak memory on large bundles from a trusted peer',
      columns: ['bundle', 'bundle MiB', 'peak RSS MB', 'seconds', 'exit'],
      rows,
      notes: ['peak RSS from /usr/bin/time -f %M (KiB / 1024); target ≤ 300 MB for the 256 MiB bundle', 'seconds are wall time on a shared machine: indicative only'],
    }],
  };
}
