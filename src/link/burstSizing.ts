/**
 * How many shards to send for a block that still needs `need` shards at an estimated frame loss
 * p̂: the smallest n with P[Binomial(n, 1−p̂) ≥ need] ≥ target. For large blocks this is about
 * need·(1+margin)/(1−p̂) with the margin shrinking as √need; for a repair of 1–3 shards it adds
 * the extra copy that small numbers need. Computed exactly (log-space binomial tail), bounded by
 * `cap` (the shards left in the block or in the burst).
 */

/**
 * Probability that a block completes from one send, in a burst that is followed by more bursts
 * anyway: 0.5, i.e. about the expected need — a block that falls short is topped up in the next
 * burst at no extra turnaround, while every shard beyond k is airtime lost.
 */
export const MID_BURST_TARGET = 0.5;
/** Target in the last burst of a transfer (everything left fits): 0.9, since a shortfall costs a round. */
export const FINAL_BURST_TARGET = 0.9;

/** P[Binomial(n, q) ≥ need]. */
export function successProbability(n: number, q: number, need: number): number {
  if (need <= 0) return 1;
  if (n < need) return 0;
  if (q >= 1) return 1;
  if (q <= 0) return 0;
  // pmf(0) = (1−q)^n, pmf(x+1) = pmf(x)·(n−x)/(x+1)·q/(1−q), in log space against underflow
  const ratio = Math.log(q) - Math.log(1 - q);
  let logPmf = n * Math.log(1 - q);
  let below = 0;
  for (let x = 0; x < need; x++) {
    below += Math.exp(logPmf);
    logPmf += Math.log((n - x) / (x + 1)) + ratio;
  }
  return Math.max(0, 1 - below);
}

export function shardsToSend(need: number, lossEstimate: number, target: number, cap: number): number {
  if (need <= 0) return 0;
  const q = 1 - Math.min(0.95, Math.max(0, lossEstimate));
  let n = need;
  while (n < cap && successProbability(n, q, need) < target) n++;
  return Math.min(n, cap);
}
