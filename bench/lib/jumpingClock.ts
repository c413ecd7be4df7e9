import type { Clock } from '../../src/util/clock.ts';

/**
 * A virtual clock for pacing runs: time flows as real time does, except that when the engine goes
 * to sleep for a pacing wait (≥ 1 s: a gap, a cap, a shut window) the clock jumps straight to the
 * moment it wakes. Short sleeps (send slices, idles) stay real, so the database and the gateway
 * see ordinary traffic; a safe day of 10–30 s gaps passes in seconds. The jump waits a few real
 * milliseconds first, so what is in flight (an HTTP send, a store) finishes at its own pace.
 */
const LONG_MS = 1000;
const SETTLE_MS = 3;

export class JumpingClock implements Clock {
  private offset: number;
  private readonly sleepers = new Set<{ at: number; wake: () => void }>();
  private timer: NodeJS.Timeout | null = null;
  jumped = 0;

  constructor(start: number) {
    this.offset = start - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleepers = this.sleepers;
      const sleeper = { at: this.now() + ms, wake: done };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      if (ms >= LONG_MS) {
        sleepers.add(sleeper);
        this.schedule();
      }
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        sleepers.delete(sleeper);
        resolve();
      }
    });
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.sleepers.size === 0) return;
      const first = Math.min(...[...this.sleepers].map((s) => s.at));
      const now = this.now();
      if (first > now) {
        this.offset += first - now;
        this.jumped += first - now;
      }
      for (const s of [...this.sleepers]) if (s.at <= this.now()) s.wake();
    }, SETTLE_MS);
  }
}
