/**
 * `node --import tsx test/crash/run.ts [--trials 100] [--seed 1]`: kill -9 a process running two
 * syncing stations at random moments, check the databases after each kill, then let them converge.
 */
import { runCrashTrials, setupCrashDir } from './crashTrials.js';

function arg(name: string, d: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
}
const trials = arg('trials', 100);
const seed = arg('seed', 1);
const { dir, cleanup } = setupCrashDir();
const t0 = Date.now();
try {
  const rep = await runCrashTrials({
    trials,
    seed,
    dir,
    onTrial: (t) => console.log(`trial ${String(t.trial).padStart(3)}: killed ${t.killedAfterMs} ms after start; batches made ${JSON.stringify(t.batches)}; ${t.problems.length ? t.problems.join('; ') : 'integrity ok, nothing half-applied, no acknowledged data lost'}`),
  });
  console.log(`drain: ${rep.drain.output}`);
  console.log(`rows: ${JSON.stringify(rep.rows)}; ${trials} trials in ${((Date.now() - t0) / 1000).toFixed(0)} s; problems: ${rep.problems.length}`);
  for (const p of rep.problems) console.log(`PROBLEM ${p}`);
  process.exitCode = rep.problems.length === 0 && rep.drain.ok ? 0 : 1;
} finally {
  cleanup();
}
