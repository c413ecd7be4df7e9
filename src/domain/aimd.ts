/**
 * Additive-increase, multiplicative-decrease on the sending rate of one device (injected clock, ms).
 * A 429 halves the factor (at most once per `cooldownMs`, so one storm of 429s from requests already
 * in flight counts once); every second without one adds `step` back, up to the configured rate.
 */
export class Aimd {
  private factor = 1;
  private lastCut = Number.NEGATIVE_INFINITY;
  private lastGrow: number;

  constructor(
    now: number,
    private readonly opts = { step: 0.05, min: 0.02, cooldownMs: 1000 },
  ) {
    this.lastGrow = now;
  }

  onRateLimited(now: number): void {
    if (now - this.lastCut < this.opts.cooldownMs) return;
    this.lastCut = now;
    this.lastGrow = now;
    this.factor = Math.max(this.opts.min, this.factor / 2);
  }

  /** The multiplier to apply to the configured rate now (grows with time since the last cut). */
  current(now: number): number {
    const seconds = (now - this.lastGrow) / 1000;
    if (seconds > 0 && this.factor < 1) {
      this.factor = Math.min(1, this.factor + seconds * this.opts.step);
    }
    this.lastGrow = now;
    return this.factor;
  }
}
