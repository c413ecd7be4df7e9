import type { Clock } from '../../src/util/clock.ts';

/**
 * A clock that runs with real time from an arbitrary start and can be moved forward: a test puts
 * the engine at Monday 07:00 in Kuala Lumpur, then at 09:00, without waiting two hours. Sleepers
 * whose time has come wake when it moves.
 */
export class OffsetClock implements Clock {
  private offset: number;
  private readonly sleepers = new Set<{ at: number; wake: () => void }>();

  constructor(start: number) {
    this.offset = start - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { at: this.now() + ms, wake: done };
      const timer = setTimeout(done, Math.max(0, ms));
      const sleepers = this.sleepers;
      sleepers.add(sleeper);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        sleepers.delete(sleeper);
        resolve();
      }
    });
  }

  advance(ms: number): void {
    this.offset += ms;
    const now = this.now();
    for (const s of [...this.sleepers]) if (s.at <= now) s.wake();
  }
}
