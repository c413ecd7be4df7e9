import type { Clock } from '../../src/util/clock.ts';

interface Sleeper {
  at: number;
  wake: () => void;
}

/**
 * A clock that runs with real time from an arbitrary start and can be moved forward: a test puts
 * the engine at Monday 07:00 in Kuala Lumpur, then at 09:00, without waiting two hours. Sleepers
 * whose time has come wake when it moves. (The benchmarks' JumpingClock moves it by itself.)
 */
export class OffsetClock implements Clock {
  protected offset: number;
  protected readonly sleepers = new Set<Sleeper>();

  constructor(start: number) {
    this.offset = start - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = { at: this.now() + ms, wake: done };
      const timer = setTimeout(done, Math.max(0, ms));
      const sleepers = this.sleepers;
      signal?.addEventListener('abort', done, { once: true });
      if (this.follows(ms)) {
        sleepers.add(sleeper);
        this.sleeping();
      }
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

  /** Whether moving the clock wakes a sleep of `ms` (here every sleep; otherwise it ends in real time only). */
  protected follows(_ms: number): boolean {
    return true;
  }

  /** Told when a sleep that moving the clock wakes begins. */
  protected sleeping(): void {}
}
