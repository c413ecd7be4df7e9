import { Agent, request } from 'undici';
import type { Logger } from 'pino';

export interface WebhookTarget {
  url: string;
  secret: string | null;
  secretIn: 'path' | 'query' | 'header';
  retry: boolean;
  retryMaxMs: number;
}

export interface WebhookCounts {
  /** Events the receiver answered with 2xx. */
  sent: number;
  /** Events given up on (no retry, or retries exhausted). */
  failed: number;
  attempts: number;
}

/**
 * POSTs events to our webhook the way a gateway would: one attempt, then (if enabled) retries with
 * doubling backoff until about `retryMaxMs` has passed. Every timer and request is cancellable so
 * the simulator can close without leaving anything running.
 */
export class WebhookSender {
  readonly #agent = new Agent({ connect: { timeout: 5000 }, headersTimeout: 10_000, bodyTimeout: 10_000 });
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inflight = new Set<AbortController>();
  readonly #log: Logger;
  #counts: WebhookCounts = { sent: 0, failed: 0, attempts: 0 };
  #closed = false;
  /** Told of every webhook as its first attempt starts (bench freshness: when the gateway posted it). */
  onPost: ((payload: unknown, at: number) => void) | null = null;
  // Bumped by reset(): retries belonging to an older generation stop instead of rescheduling.
  #generation = 0;

  constructor(log: Logger) {
    this.#log = log;
  }

  counts(): WebhookCounts {
    return { ...this.#counts };
  }

  /** Attempts in flight and retries waiting for their turn. */
  pending(): number {
    return this.#inflight.size + this.#timers.size;
  }

  /**
   * Resolves after the first attempt with whether it succeeded; retries continue in the background.
   * `form`: application/x-www-form-urlencoded — flat fields as they are, anything nested as a
   * `data` field carrying JSON (both seen from PHP gateways).
   */
  async send(target: WebhookTarget, payload: unknown, form = false): Promise<boolean> {
    const startedAt = Date.now();
    this.onPost?.(payload, startedAt);
    const generation = this.#generation;
    const encoded = form ? formBody(payload) : { type: 'application/json', body: JSON.stringify(payload) };
    const ok = await this.#attempt(target, encoded);
    if (generation !== this.#generation) return ok;
    if (ok) {
      this.#counts.sent++;
    } else if (target.retry) {
      this.#scheduleRetry(target, encoded, startedAt, 1, generation);
    } else {
      this.#counts.failed++;
    }
    return ok;
  }

  /** Cancels pending retries and in-flight requests, keeping the sender usable. */
  reset(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const c of this.#inflight) c.abort();
    this.#inflight.clear();
    this.#counts = { sent: 0, failed: 0, attempts: 0 };
    this.#generation++;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.reset();
    await this.#agent.destroy();
  }

  #scheduleRetry(target: WebhookTarget, payload: Encoded, startedAt: number, attempt: number, generation: number): void {
    if (generation !== this.#generation) return;
    const delay = Math.min(250 * 2 ** (attempt - 1), 15_000);
    if (this.#closed || Date.now() + delay - startedAt > target.retryMaxMs) {
      this.#counts.failed++;
      this.#log.warn({ attempt }, 'webhook given up');
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(target, payload).then((ok) => {
        if (generation !== this.#generation) return;
        if (ok) this.#counts.sent++;
        else this.#scheduleRetry(target, payload, startedAt, attempt + 1, generation);
      });
    }, delay);
    timer.unref();
    this.#timers.add(timer);
  }

  async #attempt(target: WebhookTarget, payload: Encoded): Promise<boolean> {
    if (this.#closed) return false;
    this.#counts.attempts++;
    const url = new URL(target.url);
    const headers: Record<string, string> = { 'content-type': payload.type };
    if (target.secret !== null) {
      if (target.secretIn === 'query') url.searchParams.set('token', target.secret);
      else if (target.secretIn === 'path') url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(target.secret)}`;
      else headers['x-webhook-secret'] = target.secret;
    }
    const controller = new AbortController();
    this.#inflight.add(controller);
    try {
      const res = await request(url, {
        method: 'POST',
        headers,
        body: payload.body,
        dispatcher: this.#agent,
        signal: controller.signal,
      });
      await res.body.dump();
      return res.statusCode >= 200 && res.statusCode < 300;
    } catch (err) {
      this.#log.debug({ err: (err as Error).message }, 'webhook attempt failed');
      return false;
    } finally {
      this.#inflight.delete(controller);
    }
  }
}

export interface Encoded {
  type: string;
  body: string;
}

export function formBody(payload: unknown): Encoded {
  const fields = new URLSearchParams();
  const flat =
    payload !== null &&
    typeof payload === 'object' &&
    !Array.isArray(payload) &&
    Object.values(payload).every((v) => v === null || typeof v !== 'object');
  if (flat) for (const [k, v] of Object.entries(payload as Record<string, unknown>)) fields.set(k, String(v ?? ''));
  else fields.set('data', JSON.stringify(payload));
  return { type: 'application/x-www-form-urlencoded', body: fields.toString() };
}
