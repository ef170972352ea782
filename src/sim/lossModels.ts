import { makeError } from '../errors/RadiosyncError.js';
import type { Prng } from '../util/prng.js';
import { SIM_ERRORS } from './errors.js';

/**
 * Frame-loss models of the simulated channel. Each (sender → receiver) link draws from its own
 * process with its own seeded stream, so receivers lose frames independently.
 *
 * - `none`: nothing is lost (collisions, BER and outages still apply).
 * - `iid`: each frame is lost with probability `p`, independently.
 * - `gilbert-elliott`: a two-state Markov chain per link, stepped once per frame. In state Good a
 *   frame is lost with probability `lossGood` (default 0), in state Bad with `lossBad` (default 1).
 *   After each frame the chain moves Good→Bad with probability `pGoodToBad` and Bad→Good with
 *   `pBadToGood`. Stationary P(Bad) = g/(g+b); mean loss = P(Good)·lossGood + P(Bad)·lossBad;
 *   a stay in Bad lasts 1/b frames on average (so with lossBad = 1, lossGood = 0, the mean burst of
 *   consecutive losses is 1/b frames). Each link starts in Good unless `startBad`.
 */
export type LossSpec =
  | { kind: 'none' }
  | { kind: 'iid'; p: number }
  | {
      kind: 'gilbert-elliott';
      pGoodToBad: number;
      pBadToGood: number;
      lossGood?: number;
      lossBad?: number;
      startBad?: boolean;
    };

/** One loss process: call {@link LossProcess.lose} once per frame, in order. */
export interface LossProcess {
  lose(): boolean;
}

function checkProbability(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"${name}" must be a probability in [0, 1]: ${String(v)}`, { name, value: v });
  }
}

/** Throw RS_ERR_SIM_BAD_OPTION unless `spec` is a well-formed loss model. */
export function validateLossSpec(spec: LossSpec): void {
  switch (spec.kind) {
    case 'none':
      return;
    case 'iid':
      checkProbability('loss.p', spec.p);
      return;
    case 'gilbert-elliott':
      checkProbability('loss.pGoodToBad', spec.pGoodToBad);
      checkProbability('loss.pBadToGood', spec.pBadToGood);
      if (spec.lossGood !== undefined) checkProbability('loss.lossGood', spec.lossGood);
      if (spec.lossBad !== undefined) checkProbability('loss.lossBad', spec.lossBad);
      return;
    default:
      throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `unknown loss model: ${JSON.stringify(spec)}`, { spec });
  }
}

/** Build the per-link process for `spec`, drawing from `prng`. */
export function createLossProcess(spec: LossSpec, prng: Prng): LossProcess {
  validateLossSpec(spec);
  switch (spec.kind) {
    case 'none':
      return { lose: () => false };
    case 'iid':
      return { lose: () => prng.chance(spec.p) };
    case 'gilbert-elliott': {
      const lossGood = spec.lossGood ?? 0;
      const lossBad = spec.lossBad ?? 1;
      let bad = spec.startBad ?? false;
      return {
        lose() {
          const lost = prng.chance(bad ? lossBad : lossGood);
          bad = bad ? !prng.chance(spec.pBadToGood) : prng.chance(spec.pGoodToBad);
          return lost;
        },
      };
    }
  }
}

/** Long-run figures of a loss model: mean frame loss, and the mean length (frames) of a run of losses (i.i.d.: 1/(1−p)) or of a stay in Bad (Gilbert–Elliott: 1/pBadToGood). */
export function lossModelStats(spec: LossSpec): { meanLoss: number; meanBadRunFrames: number } {
  switch (spec.kind) {
    case 'none':
      return { meanLoss: 0, meanBadRunFrames: 0 };
    case 'iid':
      return { meanLoss: spec.p, meanBadRunFrames: spec.p < 1 ? 1 / (1 - spec.p) : Infinity };
    case 'gilbert-elliott': {
      const g = spec.pGoodToBad;
      const b = spec.pBadToGood;
      const piBad = g + b === 0 ? (spec.startBad ? 1 : 0) : g / (g + b);
      const meanLoss = (1 - piBad) * (spec.lossGood ?? 0) + piBad * (spec.lossBad ?? 1);
      return { meanLoss, meanBadRunFrames: b === 0 ? Infinity : 1 / b };
    }
  }
}

/**
 * Parse a loss model from text (CLI and config):
 * - `0.1` or `iid:0.1` → i.i.d. 10%;  `none` or `0` → no loss;
 * - `ge:G,B[,lossGood,lossBad]` or `gilbert-elliott:…` → Gilbert–Elliott with pGoodToBad=G, pBadToGood=B.
 */
export function parseLossSpec(text: string): LossSpec {
  const t = text.trim().toLowerCase();
  const bad = (): never => {
    throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"loss" must be none, <p>, iid:<p> or ge:<g>,<b>[,<lossGood>,<lossBad>]: ${text}`, { value: text });
  };
  const num = (s: string | undefined): number => {
    if (s === undefined || s.trim() === '') return bad();
    const v = Number(s);
    return Number.isFinite(v) ? v : bad();
  };
  let spec: LossSpec;
  if (t === 'none') spec = { kind: 'none' };
  else if (t.startsWith('iid:')) spec = { kind: 'iid', p: num(t.slice(4)) };
  else if (t.startsWith('ge:') || t.startsWith('gilbert-elliott:')) {
    const parts = t.slice(t.indexOf(':') + 1).split(',');
    if (parts.length !== 2 && parts.length !== 4) bad();
    spec = { kind: 'gilbert-elliott', pGoodToBad: num(parts[0]), pBadToGood: num(parts[1]) };
    if (parts.length === 4) {
      spec.lossGood = num(parts[2]);
      spec.lossBad = num(parts[3]);
    }
  } else {
    const p = num(t);
    spec = p === 0 ? { kind: 'none' } : { kind: 'iid', p };
  }
  validateLossSpec(spec);
  return spec;
}
