import { AppError } from '../errors.ts';
import type { FunnelHub } from './funnelHub.ts';

/**
 * Server-sent event streams and ?wait=true requests hold a connection for minutes. They share one
 * cap per process (MAX_LONG_REQUESTS): beyond it the answer is 503 `too_many_streams`, so a
 * client opening streams in a loop cannot exhaust sockets or database polling.
 */
export class LongRequests {
  private open = 0;

  constructor(private readonly max: number) {}

  /** Takes a slot or throws 503; call the returned function exactly once when the request ends. */
  acquire(): () => void {
    if (this.open >= this.max) {
      throw new AppError('too_many_streams', `Too many live streams and waiting requests (${this.max}); close one or retry shortly`);
    }
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
    };
  }

  get count(): number {
    return this.open;
  }
}

export const isSettled = (state: string): boolean => state !== 'sending' && state !== 'scheduled';

/**
 * Waits for a blast to leave scheduled/sending on the same change feed as server-sent events
 * (one database read per change for all waiters of a blast, not a poll per request). Resolves
 * false on timeout or when `signal` aborts (the client went away).
 */
export function waitForSettled(hub: FunnelHub, blastId: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let unsubscribe = (): void => {};
    const done = (settled: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      unsubscribe();
      resolve(settled);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    signal.addEventListener('abort', onAbort);
    unsubscribe = hub.subscribe(blastId, (payload) => {
      if (isSettled((JSON.parse(payload) as { state: string }).state)) queueMicrotask(() => done(true));
    });
  });
}
