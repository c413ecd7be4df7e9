import type { Body } from './factSheetShapes.ts';

/** What became of one webhook body the gateway posted. */
export interface WebhookRecord {
  kind: string;
  body: string;
  contentType: string;
  /** HTTP status of each try (0: no answer: refused, reset, timed out). */
  answers: number[];
  /** Answered 2xx in the end. */
  ok: boolean;
  /** Gave up after the last try: whatever it carried is lost for the receiver. */
  lost: boolean;
  /** Runs once the outcome is known (ok or lost). */
  onDone?: ((ok: boolean) => void) | undefined;
}

const TRIES = 4;
const IN_FLIGHT = 4;
const TIMEOUT_MS = 10_000;

/**
 * Posts webhook bodies the way a gateway would: a few at a time, a non-2xx answer or no answer
 * retried a few times with a growing pause, then given up and recorded as lost. The fact sheet
 * does not know whether WSAPME retries at all; retrying a little only makes the test kinder.
 */
export class WebhookPoster {
  readonly records: WebhookRecord[] = [];
  private queue: WebhookRecord[] = [];
  private running = 0;
  private busy = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly url: () => string | null) {}

  post(kind: string, b: Body, onDone?: (ok: boolean) => void): void {
    const rec: WebhookRecord = { kind, body: b.body, contentType: b.contentType, answers: [], ok: false, lost: false, onDone };
    this.records.push(rec);
    this.queue.push(rec);
    this.busy++;
    this.pump();
  }

  /** Something else (a scheduled event) keeps the poster from being idle until `release`. */
  hold(): () => void {
    this.busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.done();
    };
  }

  /** Resolves when nothing is scheduled, queued or in flight. */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private done(): void {
    this.busy--;
    if (this.busy === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private pump(): void {
    while (this.running < IN_FLIGHT && this.queue.length > 0) {
      const rec = this.queue.shift()!;
      this.running++;
      void this.deliver(rec).finally(() => {
        this.running--;
        rec.onDone?.(rec.ok);
        this.done();
        this.pump();
      });
    }
  }

  private async deliver(rec: WebhookRecord): Promise<void> {
    for (let i = 0; i < TRIES; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200 * 3 ** (i - 1)));
      const url = this.url();
      if (!url) {
        rec.answers.push(0);
        continue;
      }
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': rec.contentType },
          body: rec.body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.arrayBuffer();
        rec.answers.push(res.status);
        if (res.status >= 200 && res.status < 300) {
          rec.ok = true;
          return;
        }
      } catch {
        rec.answers.push(0);
      }
    }
    rec.lost = true;
  }
}
