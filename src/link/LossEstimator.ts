/**
 * Frame-loss estimate p̂ per peer, from the acks' "heard" counts against the frames sent: an
 * exponentially weighted ratio (each burst's sums decay by LOSS_DECAY), starting from a prior worth
 * LOSS_PRIOR_FRAMES frames at INITIAL_LOSS_ESTIMATE.
 */

/** Loss assumed before any ack: 10%. */
export const INITIAL_LOSS_ESTIMATE = 0.1;
/** Weight of the prior, in frames: 20. */
export const LOSS_PRIOR_FRAMES = 20;
/** Decay of older bursts' counts per new burst: 0.7 (a burst three acks ago weighs a third). */
export const LOSS_DECAY = 0.7;
/** Largest estimate used: 0.9 (beyond it no burst sizing helps; back-off does). */
export const MAX_LOSS_ESTIMATE = 0.9;

export class LossEstimator {
  private sent = LOSS_PRIOR_FRAMES;
  private heard = LOSS_PRIOR_FRAMES * (1 - INITIAL_LOSS_ESTIMATE);

  constructor(initial = INITIAL_LOSS_ESTIMATE) {
    this.heard = LOSS_PRIOR_FRAMES * (1 - initial);
  }

  /** One burst's outcome: `sent` frames of which the receiver heard `heard`. */
  observe(sent: number, heard: number): void {
    if (sent <= 0) return;
    this.sent = this.sent * LOSS_DECAY + sent;
    this.heard = this.heard * LOSS_DECAY + Math.min(heard, sent);
  }

  get estimate(): number {
    return Math.min(MAX_LOSS_ESTIMATE, Math.max(0, 1 - this.heard / this.sent));
  }
}
