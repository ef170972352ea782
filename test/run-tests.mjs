#!/usr/bin/env node
// Runs test/**/*.test.ts with Node's own test runner (node:test) through tsx.
// Node 20 has no glob support in --test, hence this small file walker.
//
// Tiers (see README "Tests"):
//   unit     one layer at a time: units, properties, compliance suites. Node only, no build, and
//            run two files at a time (one per core of the 2-core CI machine): under 90 s there.
//   system   the composed stack and real processes: test/sync/ (stations over the simulator, the
//            daemon over 24 simulated hours), test/security/ (attacks on whole stations), the CLI's
//            real binary in real time, crash trials and kill -9 of child processes, soak. Node only.
//   interop  everything in test/interop/: tests that start programs from Debian packages
//            (direwolf, socat for pseudo-terminals, sox), and the helpers' own tests.
// A test belongs in test/interop/ exactly when it starts a program that is neither Node nor an npm
// dependency; test/docs/testTiers.test.ts checks that no other test does.
//
// Usage: node test/run-tests.mjs [--tier=unit|node|interop] [substring ...]
//   --tier=unit      the unit tier                      (npm run test:unit)
//   --tier=node      unit + system: everything Node-only (npm test)
//   --tier=interop   the interop tier                   (npm run test:interop)
//   no --tier: with substrings, any file whose path contains one; without, the same as --tier=node.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Paths (prefixes, from the repository root) of the slow system tests. */
export const SYSTEM_TESTS = ['test/sync/', 'test/online/', 'test/security/', 'test/cli/', 'test/crash/', 'test/soak/', 'test/store/kill.test.ts'];
/** The folder of tests that need Debian packages. */
export const INTEROP_DIR = 'test/interop/';

export function tierOf(rel) {
  if (rel.startsWith(INTEROP_DIR)) return 'interop';
  if (SYSTEM_TESTS.some((p) => rel.startsWith(p))) return 'system';
  return 'unit';
}

const TIERS = { unit: ['unit'], node: ['unit', 'system'], interop: ['interop'] };

function main() {
  const root = new URL('.', import.meta.url).pathname;
  const repo = join(root, '..');
  const args = process.argv.slice(2);
  const tierArg = args.find((a) => a.startsWith('--tier='));
  const filters = args.filter((a) => !a.startsWith('--tier='));
  const tierName = tierArg?.slice('--tier='.length) ?? (filters.length === 0 ? 'node' : undefined);
  if (tierName !== undefined && !(tierName in TIERS)) {
    console.error(`unknown tier "${tierName}": use unit, node or interop`);
    process.exit(64);
  }
  const tiers = tierName === undefined ? undefined : TIERS[tierName];
  const files = [];
  (function walk(dir) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name === 'bench' || name === 'fuzz' || name === 'node_modules') continue;
        // real time, minutes, separate processes through the independent channel: npm run test:system
        if (relative(repo, p) === 'test/system') continue;
        walk(p);
      } else if (name.endsWith('.test.ts')) {
        const rel = relative(repo, p);
        if (tiers !== undefined && !tiers.includes(tierOf(rel))) continue;
        if (filters.length === 0 || filters.some((f) => rel.includes(f))) files.push(relative(process.cwd(), p));
      }
    }
  })(root);
  if (files.length === 0) {
    console.error('no test files matched');
    process.exit(1);
  }
  // Unit test files share nothing (temp dirs, port 0), so they run one per core; the system and
  // interop tiers keep Node's default (cores − 1) so that their real-time runs are not starved.
  const concurrency = tierName === 'unit' ? [`--test-concurrency=${availableParallelism()}`] : [];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrency, '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, RADIOSYNC_TEST: '1' },
  });
  process.exit(r.status ?? 1);
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) main();
