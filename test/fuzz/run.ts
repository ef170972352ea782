/**
 * `npm run fuzz [-- --seed N] [--scale X] [--only a,b]`: every decoder and the whole receive path,
 * ≥ 1,000,000 seeded inputs in total at scale 1. Prints inputs, inputs/second and the slowest input
 * per target; exits non-zero on any contract breach or if the receiving station's data changed.
 */
import { runFuzz } from './harness.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = Number(arg('seed') ?? 1);
const scale = Number(arg('scale') ?? 1);
const only = arg('only')?.split(',');

console.log(`radiosync fuzz: seed ${seed}, scale ${scale}`);
console.log(`${'target'.padEnd(14)} ${'inputs'.padStart(9)} ${'inputs/s'.padStart(9)} ${'slowest'.padStart(9)}  outcomes`);
try {
  const rep = await runFuzz({
    seed,
    scale,
    ...(only ? { only } : {}),
    onTarget: (r) => {
      const outcomes = Object.entries(r.tally)
        .filter(([, v]) => v !== 0)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      console.log(`${r.target.padEnd(14)} ${String(r.inputs).padStart(9)} ${r.perSecond.toFixed(0).padStart(9)} ${(r.slowestMs.toFixed(1) + 'ms').padStart(9)}  ${outcomes}`);
    },
  });
  console.log(`total ${rep.totalInputs} inputs in ${(rep.totalMs / 1000).toFixed(1)} s (${(rep.totalInputs / (rep.totalMs / 1000)).toFixed(0)} inputs/s); receiver state unchanged: ${rep.stateUnchanged}`);
  if (!rep.stateUnchanged) {
    console.error('FAIL: junk changed the receiving station (tables, version vector or cursors)');
    process.exit(1);
  }
  if (scale >= 1 && rep.totalInputs < 1_000_000) {
    console.error(`FAIL: only ${rep.totalInputs} inputs`);
    process.exit(1);
  }
} catch (e) {
  console.error(`FAIL: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
