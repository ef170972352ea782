/**
 * How much later than the link's own estimate a peer's answers arrive, learned from the answers
 * themselves (in the manner of TCP's retransmission timer, RFC 6298): a smoothed lag and its mean
 * deviation. Plain KISS never says when our frames actually left the TNC; a TNC with a longer
 * TXDELAY than we assume, a deep transmit queue or a busy channel makes every answer come later
 * than the airtime arithmetic predicts. Waiting `allowance` longer before polling keeps such a link
 * from polling on every round.
 *
 * This only moves *when* the sender asks again; what an ack means comes from its burst number.
 */

/** Weight of a new lag sample in the smoothed lag: 1/8 (RFC 6298's alpha). */
export const LAG_GAIN = 1 / 8;
/** Weight of a new deviation sample: 1/4 (RFC 6298's beta). */
export const LAG_DEVIATION_GAIN = 1 / 4;
/** Deviations added to the smoothed lag: 4 (RFC 6298's K). */
export const LAG_DEVIATIONS = 4;
/** Largest extra wait: 30 s. Beyond that, lost answers cost more than late ones. */
export const MAX_LAG_ALLOWANCE_MS = 30_000;

export class AckDelayEstimator {
  private lag: number | undefined;
  private deviation = 0;

  /** One answer arrived `lagMs` after the time the airtime arithmetic expected it (may be negative). */
  observe(lagMs: number): void {
    if (!Number.isFinite(lagMs)) return;
    if (this.lag === undefined) {
      this.lag = lagMs;
      this.deviation = Math.abs(lagMs) / 2;
      return;
    }
    this.deviation += LAG_DEVIATION_GAIN * (Math.abs(lagMs - this.lag) - this.deviation);
    this.lag += LAG_GAIN * (lagMs - this.lag);
  }

  /** Extra time to wait for an answer beyond the expected one: ≥ 0, ≤ MAX_LAG_ALLOWANCE_MS. */
  get allowance(): number {
    if (this.lag === undefined) return 0;
    return Math.min(MAX_LAG_ALLOWANCE_MS, Math.max(0, this.lag + LAG_DEVIATIONS * this.deviation));
  }
}
