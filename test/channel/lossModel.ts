/**
 * Frame loss at one receiver. Each receiver owns one LossModel (and one random stream), so losses
 * are independent between receivers; a Gilbert–Elliott model keeps its good/bad state per receiver.
 *
 * Spec strings (the CLI's --loss):  "0.1" | "iid:0.1" | "ge:G2B,B2G[,LOSS_GOOD,LOSS_BAD]"
 * (Gilbert–Elliott: per frame, move good→bad with G2B and bad→good with B2G, then lose the frame
 * with the state's loss; defaults LOSS_GOOD 0, LOSS_BAD 1). Stationary loss of GE =
 * (B2G·LOSS_GOOD + G2B·LOSS_BAD)/(G2B + B2G).
 */
import type { Random } from './seededRandom.js';

export type LossSpec =
  | { model: 'iid'; p: number }
  | { model: 'ge'; goodToBad: number; badToGood: number; lossGood: number; lossBad: number };

export function parseLossSpec(text: string): LossSpec {
  const prob = (s: string | undefined, what: string): number => {
    const v = Number(s);
    if (s === undefined || s.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) throw new Error(`--loss: ${what} must be a probability 0..1, got "${s ?? ''}"`);
    return v;
  };
  if (text.startsWith('ge:')) {
    const parts = text.slice(3).split(',');
    if (parts.length < 2 || parts.length > 4) throw new Error(`--loss: expected ge:G2B,B2G[,LOSS_GOOD,LOSS_BAD], got "${text}"`);
    const goodToBad = prob(parts[0], 'G2B');
    const badToGood = prob(parts[1], 'B2G');
    if (goodToBad + badToGood === 0) throw new Error('--loss: G2B and B2G cannot both be 0');
    return { model: 'ge', goodToBad, badToGood, lossGood: parts[2] === undefined ? 0 : prob(parts[2], 'LOSS_GOOD'), lossBad: parts[3] === undefined ? 1 : prob(parts[3], 'LOSS_BAD') };
  }
  return { model: 'iid', p: prob(text.startsWith('iid:') ? text.slice(4) : text, 'p') };
}

/** The long-run fraction of frames lost. */
export function meanLoss(spec: LossSpec): number {
  if (spec.model === 'iid') return spec.p;
  return (spec.badToGood * spec.lossGood + spec.goodToBad * spec.lossBad) / (spec.goodToBad + spec.badToGood);
}

export class LossModel {
  private bad = false;
  constructor(private readonly spec: LossSpec, private readonly random: Random) {}

  /** One frame reaches this receiver's demodulator: is it lost? */
  lose(): boolean {
    if (this.spec.model === 'iid') return this.spec.p > 0 && this.random() < this.spec.p;
    const s = this.spec;
    if (this.bad) {
      if (this.random() < s.badToGood) this.bad = false;
    } else if (this.random() < s.goodToBad) this.bad = true;
    return this.random() < (this.bad ? s.lossBad : s.lossGood);
  }
}
