export interface AimdOptions {
  /** Factor added back per second without a 429. */
  step: number;
  /** The factor never goes below this. */
  min: number;
  /** 429s within this long of the last one counted are the same storm (requests already in flight). */
  cooldownMs: number;
  /**
   * A storm of 429s that comes more than this long after the previous one only pauses sending
   * (Retry-After), without a cut; a second one within it cuts. 0 (the default) cuts on every storm.
   */
  forgiveMs?: number;
}

/**
 * Additive-increase, multiplicative-decrease on the sending rate of one device (injected clock, ms).
 * A 429 halves the factor (at most once per `cooldownMs`, so one storm of 429s from requests already
 * in flight counts once); every second without one adds `step` back, up to the configured rate.
 *
 * With `forgiveMs`, an isolated storm is forgiven: at a SEND_RATE equal to the gateway's limit, a
 * few requests whose latencies bunched them into one of the gateway's seconds are a pacing accident,
 * not a slower gateway, and halving for it cost a fifth of a 5,000-message blast's speed (bench
 * send_rate). A gateway that really is slower answers 429 again at once, and is cut then.
 */
export class Aimd {
  private factor = 1;
  private lastCut = Number.NEGATIVE_INFINITY;
  private lastStorm = Number.NEGATIVE_INFINITY;
  private lastGrow: number;

  constructor(
    now: number,
    private readonly opts: AimdOptions = { step: 0.05, min: 0.02, cooldownMs: 1000 },
  ) {
    this.lastGrow = now;
  }

  onRateLimited(now: number): void {
    if (now - this.lastCut < this.opts.cooldownMs) return;
    const forgiveMs = this.opts.forgiveMs ?? 0;
    if (forgiveMs > 0) {
      if (now - this.lastStorm < this.opts.cooldownMs) return; // the storm already forgiven
      const isolated = now - this.lastStorm > forgiveMs;
      this.lastStorm = now;
      if (isolated) return;
    }
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
