/**
 * The command line's heap policy, set before anything else runs.
 *
 * Every command but the two ends of an online session (`init`, `export`, `import`, `daemon`, …)
 * runs V8 with `--optimize-for-size`. What sets their peak memory on large tables is not the data they hold at
 * once (one changeset, about 50–130 MB live for 100,000 rows) but how far V8 lets the heap fill
 * with garbage before it collects: by default up to about four times the live size. With this flag
 * it collects sooner, which halves the peak (the 40 × 100,000-row bundle of issue 18: 763 MB →
 * under 300 MB, docs/benchmarks.md) for about a fifth more CPU time. Stations run on small field
 * laptops next to other programs, and the daemon runs for weeks and imports inbox bundles.
 *
 * `serve` and `sync` keep V8's default heap. What they hold at once is bounded by the session, not
 * by the table (online: 8 changesets of at most 4 MiB in flight and one being decoded and applied,
 * of at most `limits.rows_per_changeset` rows; on air, one changeset at a time), and over the online
 * transport they are CPU-bound: side by side on 100,000 rows (`npm run bench -- online`,
 * docs/benchmarks.md) the default heap gave about 1.45× the rows per second, for about 95 MB more
 * peak RSS per process (about 235 MB against 140 MB). The worst case is a peer that sends the
 * largest changesets allowed (300,000 rows in changesets of 100,000): `serve` peaked at 718 MB
 * against 424 MB with the flag (.scratch measurement, docs/benchmarks.md "The online transport").
 */
import { setFlagsFromString } from 'node:v8';

/** The commands that keep V8's default heap (see above). */
export const SESSION_COMMANDS: ReadonlySet<string> = new Set(['serve', 'sync']);

/** The policy for a command line (`process.argv`: node, script, command, …). */
export function heapPolicy(argv: readonly string[]): 'speed' | 'size' {
  return SESSION_COMMANDS.has(argv[2] ?? '') ? 'speed' : 'size';
}

if (heapPolicy(process.argv) === 'size') setFlagsFromString('--optimize-for-size');
