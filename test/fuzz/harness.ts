/**
 * Runs the fuzz targets: seeded inputs, a count (and a time budget) per target, the time of the
 * slowest input (a hang shows as one input taking seconds), and the station-state check around
 * the whole run (no junk may change the receiver's tables, version vector or peer cursors).
 */
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Prng } from '../../src/util/prng.js';
import { makeCorpus } from './corpus.js';
import { FuzzFailure, makeTargets } from './targets.js';
import { stationState } from '../security/airRig.js';

/** Slowest single input allowed before it counts as a hang: 2 s (real inputs take microseconds). */
export const HANG_MS = 2_000;

export interface TargetReport {
  target: string;
  inputs: number;
  ms: number;
  perSecond: number;
  slowestMs: number;
  tally: Record<string, number>;
}

export interface FuzzReport {
  seed: number;
  targets: TargetReport[];
  totalInputs: number;
  totalMs: number;
  stateUnchanged: boolean;
}

export interface FuzzOptions {
  seed?: number;
  /** Fraction of each target's full count (1 = `npm run fuzz`). */
  scale?: number;
  /** Stop a target after this many ms even if its count is not reached. */
  budgetMs?: number;
  only?: string[];
  onTarget?: (r: TargetReport) => void;
}

export async function runFuzz(opts: FuzzOptions = {}): Promise<FuzzReport> {
  const seed = opts.seed ?? 1;
  const corpus = await makeCorpus();
  try {
    const before = stationState(corpus.receiver);
    const targets = makeTargets(corpus).filter((t) => !opts.only || opts.only.includes(t.name));
    const reports: TargetReport[] = [];
    const t0 = performance.now();
    for (const target of targets) {
      const rng = new Prng(seed).fork(target.name);
      const count = Math.max(1, Math.round(target.fullCount * (opts.scale ?? 1)));
      const start = performance.now();
      let slowest = 0;
      let n = 0;
      for (; n < count; n++) {
        const input = target.gen(rng);
        const s = performance.now();
        try {
          target.run(input);
        } catch (e) {
          if (e instanceof FuzzFailure) throw e;
          throw new FuzzFailure(target.name, `harness caught ${e instanceof Error ? e.stack : String(e)}`, input);
        }
        const d = performance.now() - s;
        if (d > slowest) slowest = d;
        if (d > HANG_MS) throw new FuzzFailure(target.name, `one input took ${d.toFixed(0)} ms (hang bound ${HANG_MS} ms)`, input);
        if (opts.budgetMs !== undefined && (n & 63) === 0 && performance.now() - start > opts.budgetMs) {
          n++;
          break;
        }
      }
      target.finish?.();
      const ms = performance.now() - start;
      const r: TargetReport = { target: target.name, inputs: n, ms, perSecond: n / (ms / 1000), slowestMs: slowest, tally: target.tally };
      reports.push(r);
      opts.onTarget?.(r);
    }
    const after = stationState(corpus.receiver);
    const stateUnchanged = isDeepStrictEqual(before, after);
    return { seed, targets: reports, totalInputs: reports.reduce((a, r) => a + r.inputs, 0), totalMs: performance.now() - t0, stateUnchanged };
  } finally {
    corpus.close();
  }
}
