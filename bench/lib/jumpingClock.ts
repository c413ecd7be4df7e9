import { OffsetClock } from '../../test/helpers/offsetClock.ts';

/**
 * A virtual clock for pacing runs: time flows as real time does, except that when the engine goes
 * to sleep for a pacing wait (≥ 1 s: a gap, a cap, a shut window) the clock jumps straight to the
 * moment it wakes. Short sleeps (send slices, idles) stay real, so the database and the gateway
 * see ordinary traffic; a safe day of 10–30 s gaps passes in seconds. The jump waits a few real
 * milliseconds first, so what is in flight (an HTTP send, a store) finishes at its own pace.
 */
const LONG_MS = 1000;
const SETTLE_MS = 3;

export class JumpingClock extends OffsetClock {
  private timer: NodeJS.Timeout | null = null;
  jumped = 0;

  protected override follows(ms: number): boolean {
    return ms >= LONG_MS;
  }

  protected override sleeping(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.sleepers.size === 0) return;
      const first = Math.min(...[...this.sleepers].map((s) => s.at));
      const gap = Math.max(0, first - this.now());
      this.jumped += gap;
      this.advance(gap);
    }, SETTLE_MS);
  }
}
