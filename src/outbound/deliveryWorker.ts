import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { afterFailedAttempt, claimLeaseMs, shouldDisableEndpoint } from '../domain/webhookRetry.ts';
import { type ClaimedDelivery, claimDeliveries } from './claimDeliveries.ts';
import { deliveryAgent, postDelivery } from './postDelivery.ts';
import { disableEndpoint, recordDelivered, recordFailed } from './recordAttempt.ts';
import { signDelivery } from './signDelivery.ts';
import { pruneDeliveryLog } from './deliveryLog.ts';

const PRUNE_EVERY_MS = 10 * 60_000;

export interface DeliveryWorkerDeps {
  db: Db;
  log: Logger;
  /** Days an endpoint may fail without one success before it is disabled. */
  disableAfterDays: number;
  clock?: Clock;
  random?: () => number;
  timeoutMs?: number;
  /** Deliveries per round, all in flight at once. */
  batch?: number;
  /** Pause between rounds that found less than a full batch. */
  pollMs?: number;
}

/**
 * Sends the outbox (webhook_deliveries) to the endpoints, in the engine role. Polls: LISTEN
 * cannot be relied on behind a transaction pooler (Neon) nor on PGlite, and 500 ms is quick
 * enough for a subscriber. Every engine may run one; claims never overlap.
 */
export class DeliveryWorker {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly agent;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.timeoutMs = deps.timeoutMs ?? 10_000;
    this.agent = deliveryAgent(this.timeoutMs);
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Lets the attempts in flight finish and be recorded. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.agent.close();
  }

  private async loop(): Promise<void> {
    const batch = this.deps.batch ?? 32;
    while (!this.abort.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await this.round(batch);
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'webhook delivery round failed; retrying');
      }
      if (claimed < batch) await this.clock.sleep(this.deps.pollMs ?? 500, this.abort.signal);
    }
  }

  private async round(batch: number): Promise<number> {
    if (this.clock.now() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = this.clock.now();
      await pruneDeliveryLog(this.deps.db);
    }
    const due = await claimDeliveries(this.deps.db, batch, claimLeaseMs(this.timeoutMs));
    await Promise.all(due.map((d) => this.attempt(d)));
    return due.length;
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify(d.payload);
    const headers = signDelivery(d.id, body, d.secrets, new Date(this.clock.now()));
    const result = await postDelivery(this.agent, d.url, body, { ...headers }, this.timeoutMs);
    if (result.ok) {
      await recordDelivered(this.deps.db, d.id, d.endpoint_id, result.statusCode);
      return;
    }
    const next = afterFailedAttempt(d.attempts, d.age_ms, this.random);
    const failingMs = await recordFailed(this.deps.db, d.id, d.endpoint_id, {
      statusCode: result.statusCode,
      error: result.error,
      retryInMs: next.giveUp ? null : next.delayMs,
    });
    if (next.giveUp) this.deps.log.warn({ endpoint: d.endpoint_id, delivery: d.id, attempts: d.attempts }, 'webhook delivery given up');
    if (shouldDisableEndpoint(failingMs, this.deps.disableAfterDays)) {
      const reason = `failing for ${this.deps.disableAfterDays} days without a success (last: ${result.error})`;
      await disableEndpoint(this.deps.db, d.endpoint_id, reason);
      this.deps.log.warn({ endpoint: d.endpoint_id }, 'webhook endpoint disabled: failing too long');
    }
  }
}
