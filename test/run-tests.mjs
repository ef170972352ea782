#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (node:test) through tsx.
// Node 20 has no glob support in --test, hence this small file walker.
// Usage: npm test [-- substring ...]   (only files whose path contains one of the substrings)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('.', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'bench' || name === 'fuzz' || name === 'node_modules') continue;
      if (name === 'system' && filters.length === 0) continue; // real time, minutes: npm run test:system
      walk(p);
    } else if (name.endsWith('.test.ts')) {
      const rel = relative(process.cwd(), p);
      if (filters.length === 0 || filters.some((f) => rel.includes(f))) files.push(rel);
    }
  }
})(root);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, RADIOSYNC_TEST: '1' },
});
process.exit(r.status ?? 1);
