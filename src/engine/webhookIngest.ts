import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { ProgressStatus } from '../domain/status.ts';
import type { Logger } from '../log.ts';
import { applyInbound } from './applyInbound.ts';
import { type StatusEvent, applyStatusEvents, lockMessageIds } from './applyStatusEvents.ts';
import type { WebhookEvent } from './parseWebhook.ts';
import type { Metrics } from '../metrics.ts';

const APPLICABLE: Record<string, ProgressStatus | 'ERROR'> = {
  PENDING: 'PENDING',
  SERVER_ACK: 'PENDING',
  DELIVERY_ACK: 'DELIVERY_ACK',
  READ_ACK: 'READ_ACK',
  ERROR: 'ERROR',
};

/** POLL_MODE=fallback: a message a webhook spoke about is not polled for at least this long. */
const DEFER_POLL_MINUTES = 10;

interface Waiting {
  events: WebhookEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface IngestOptions {
  region: string;
  replyWindowHours: number;
  /** 'fallback': a message a webhook spoke about is polled later — the webhooks are working for it. */
  pollMode?: 'off' | 'fallback' | 'always';
  windowMs?: number;
  maxBatch?: number;
  /** Batches in flight at once (default 2). */
  concurrency?: number;
}

/**
 * Group commit for webhooks. Requests arriving within a short window share one transaction:
 * the raw events are appended to webhook_events and applied in a set; every request is answered
 * only after that transaction commits, so an acknowledged event is never lost, and a failed
 * commit answers all of them 503 so the gateway retries.
 *
 * Up to `concurrency` batches (default 2) are in flight at once, each on its own connection: while
 * one waits for its commit to reach the disk, the next is already being applied, instead of the
 * requests that arrived meanwhile waiting for it (bench webhook_ingest). Order between batches does
 * not matter: updates are monotonic, batches sharing a message id serialise on its advisory lock
 * (taken in sorted order, so they cannot deadlock), and the report's counters are append-only.
 */
export class WebhookIngest {
  private queue: Waiting[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: IngestOptions,
    private readonly onChange: (blastIds: Set<number>) => void,
    private readonly metrics?: Metrics,
  ) {}

  submit(events: WebhookEvent[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queued += events.length;
      if (this.queued >= (this.opts.maxBatch ?? 500)) this.kick(0);
      else this.kick(this.opts.windowMs ?? 2);
    });
  }

  /** Waits for everything submitted so far to be committed (graceful shutdown). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.running.size > 0) {
      if (this.queue.length > 0 && !this.busy) await this.runBatch();
      else await Promise.race(this.running);
    }
  }

  private get busy(): boolean {
    return this.running.size >= (this.opts.concurrency ?? 2);
  }

  private kick(ms: number): void {
    if (this.busy) return; // the next batch to end schedules the next one
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runBatch();
    }, ms);
  }

  private runBatch(): Promise<void> {
    if (this.busy) return Promise.race(this.running);
    const batch = this.queue.splice(0, this.queue.length);
    this.queued = 0;
    if (batch.length === 0) return Promise.resolve();
    const running: Promise<void> = this.commit(batch.flatMap((w) => w.events))
      .then(
        (changed) => {
          this.metrics?.webhookBatches.inc({ result: 'committed' });
          for (const w of batch) for (const e of w.events) this.metrics?.webhookEvents.inc({ kind: e.kind });
          for (const w of batch) w.resolve();
          if (changed.size) this.onChange(changed);
        },
        (err: unknown) => {
          this.metrics?.webhookBatches.inc({ result: 'failed' });
          this.log.warn({ err: (err as Error).message, events: batch.length }, 'webhook batch failed; answered 503');
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => {
        this.running.delete(running);
        if (this.queue.length > 0) this.kick(0);
      });
    this.running.add(running);
    return running;
  }

  private async commit(events: WebhookEvent[]): Promise<Set<number>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.apply(tx, events));
      } catch (err) {
        const code = (err as { code?: string }).code;
        // A deadlock or serialisation failure is resolved by running the batch again.
        if ((code === '40P01' || code === '40001') && attempt < 5) continue;
        throw err;
      }
    }
  }

  private async apply(tx: Db, events: WebhookEvent[]): Promise<Set<number>> {
    const statusEvents = events.filter((e): e is Extract<WebhookEvent, { kind: 'status' }> => e.kind === 'status');
    await lockMessageIds(tx, statusEvents.map((e) => e.messageId));
    const applicable: StatusEvent[] = [];
    for (const e of statusEvents) {
      const s = APPLICABLE[e.status];
      if (s) applicable.push({ messageId: e.messageId, status: s, c2sTimestamp: e.c2sTimestamp });
      else this.log.warn({ status: e.status }, 'unknown webhook status kept, not applied');
    }
    const fallback = this.opts.pollMode === 'fallback';
    const { matched, moved, changedBlasts } = await applyStatusEvents(tx, applicable, fallback ? { deferPollMinutes: DEFER_POLL_MINUTES } : {});
    // Recipients that moved were deferred by that UPDATE; only the rest (duplicates, late events) need this one.
    const stillToDefer = fallback ? [...matched].filter((m) => !moved.has(m)) : [];
    if (stillToDefer.length > 0) {
      await tx.execute(
        sql`UPDATE blast_recipients SET next_poll_at = greatest(next_poll_at, now() + ${DEFER_POLL_MINUTES} * interval '1 minute')
            WHERE next_poll_at IS NOT NULL
              AND message_id IN (SELECT json_array_elements_text(${JSON.stringify(stillToDefer)}::json))`,
      );
    }

    for (const e of events) {
      if (e.kind !== 'inbound') continue;
      const blast = await applyInbound(tx, e, this.opts.region, this.opts.replyWindowHours);
      if (blast !== null) changedBlasts.add(blast);
    }

    const rowsToInsert = events.map((e) => {
      if (e.kind === 'inbound') return { kind: 'inbound', mid: null, status: null, payload: e.payload, applied: true, outcome: 'reply' };
      const known = APPLICABLE[e.status] !== undefined;
      const found = matched.has(e.messageId);
      return {
        kind: 'status',
        mid: e.messageId,
        status: known ? APPLICABLE[e.status] : e.status,
        payload: e.payload,
        // Unmatched known statuses wait (applied_at NULL) for their send to be stored.
        applied: found || !known,
        outcome: !known ? 'unknown status' : found ? 'applied' : null,
      };
    });
    await tx.execute(
      sql`INSERT INTO webhook_events (kind, message_id, status, payload, applied_at, outcome)
          SELECT e.kind, e.mid, e.status, e.payload, CASE WHEN e.applied THEN now() END, e.outcome
          FROM json_to_recordset(${JSON.stringify(rowsToInsert)}::json)
            AS e(kind text, mid text, status text, payload jsonb, applied boolean, outcome text)`,
    );
    return changedBlasts;
  }
}
