/**
 * `npm run bench [-- name ...]`: runs the benchmarks in test/bench/*.bench.ts, prints their tables
 * and writes each result as JSON to bench-results/<name>.json. Benchmarks are not tests: nothing
 * here asserts a timing. Quote ratios measured side by side in one run.
 *
 * A benchmark module exports `run(): Promise<BenchReport>`.
 */
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from './report.js';
import { printReport } from './report.js';

const dir = new URL('.', import.meta.url).pathname;
/** Short names on the command line (`npm run bench -- realtime`). */
const ALIASES: Record<string, string> = { realtime: 'realtimeLink' };
/** Long, real-time or hardware benchmarks: run only when named. */
const ONLY_WHEN_NAMED = ['interop', 'realtimeLink'];
const wanted = process.argv.slice(2).map((w) => ALIASES[w] ?? w);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const chosen = wanted.length > 0 ? names.filter((n) => wanted.includes(n)) : names.filter((n) => !ONLY_WHEN_NAMED.includes(n));
if (chosen.length === 0) {
  console.error(`no benchmark matched ${wanted.join(', ')}; have: ${names.join(', ')}`);
  process.exit(64);
}
const outDir = join(process.cwd(), 'bench-results');
mkdirSync(outDir, { recursive: true });
for (const name of chosen) {
  const mod = (await import(join(dir, `${name}.bench.ts`))) as { run: () => Promise<BenchReport> };
  const report = await mod.run();
  printReport(name, report);
  const file = join(outDir, `${report.variant === undefined ? name : `${name}-${report.variant}`}.json`);
  writeFileSync(file, JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
  console.log(`wrote ${file}\n`);
}
