import type { Db } from '../db/client.ts';
import { isDataError, sqlState } from '../db/sqlState.ts';
import { isOptOut } from '../domain/optOut.ts';
import { AppError } from '../errors.ts';
import { type Logger, maskPhone } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { EventOutcome, WebhookEvent } from '../webhooks/webhookEvent.ts';
import { type ApplyOptions, applyWebhookEvents } from './applyWebhookEvents.ts';
import { type RawRequest, storeWebhookRequests } from './storeWebhookRequests.ts';

/** One webhook request: its body as received and the events read from it. */
export interface IncomingWebhook extends RawRequest {
  events: WebhookEvent[];
}

/** What the gateway is answered once the request is committed. */
export interface StoredWebhook {
  requestId: number;
  outcomes: EventOutcome[];
}

interface Waiting {
  req: IncomingWebhook;
  resolve: (stored: StoredWebhook) => void;
  reject: (err: AppError) => void;
}

/**
 * Why submit() rejects: the request is not stored, so the gateway must send it again. A domain
 * error, never the database's own (it could name a table); the HTTP layer maps its code (503).
 */
const notStored = (): AppError => new AppError('database_unavailable', 'Webhook not stored; retry');

export interface IngestOptions extends ApplyOptions {
  windowMs?: number;
  maxBatch?: number;
  /** Batches in flight at once (default 2). */
  concurrency?: number;
}

/**
 * Group commit for webhooks. Requests arriving within a short window share one transaction: each
 * request is stored raw (webhook_requests), its events applied in a set and recorded with what
 * became of them (webhook_events); every request is answered only after that transaction commits,
 * so an acknowledged webhook is never lost, and a commit that fails because the database is
 * unavailable answers all of them 503 so the gateway retries.
 *
 * A request the database refuses for its data (a poison pill the parser did not catch) must not
 * fail the others, nor be retried by the gateway forever: the batch is run again one request at a
 * time, and the one that still fails is stored raw with its events not understood, and answered 2xx.
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

  /** Resolves once the request is committed; rejects with `database_unavailable` when it could not be stored. */
  submit(req: IncomingWebhook): Promise<StoredWebhook> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.queued += req.events.length;
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
    const running: Promise<void> = this.commitBatch(batch)
      .then(
        (changed) => {
          this.metrics?.webhookBatches.inc({ result: 'committed' });
          if (changed.size) this.onChange(changed);
        },
        (err: unknown) => {
          this.metrics?.webhookBatches.inc({ result: 'failed' });
          this.log.warn({ err: (err as Error).message, code: sqlState(err), requests: batch.length }, 'webhook batch failed; answered 503');
          for (const w of batch) w.reject(notStored());
        },
      )
      .finally(() => {
        this.running.delete(running);
        if (this.queue.length > 0) this.kick(0);
      });
    this.running.add(running);
    return running;
  }

  private async commitBatch(batch: Waiting[]): Promise<Set<number>> {
    let refused: unknown;
    try {
      const { stored, changed } = await this.commit(batch.map((w) => w.req));
      batch.forEach((w, i) => {
        this.answer(w, stored[i]!);
      });
      return changed;
    } catch (err) {
      if (!isDataError(err)) throw err;
      refused = err;
    }
    if (batch.length === 1) return this.deadLetter(batch[0]!, refused);
    this.log.warn(
      { requests: batch.length, code: sqlState(refused) },
      'webhook batch refused for its data; committing its requests one by one',
    );
    const changed = new Set<number>();
    for (const w of batch) {
      try {
        const one = await this.commit([w.req]);
        this.answer(w, one.stored[0]!);
        for (const b of one.changed) changed.add(b);
      } catch (err) {
        if (isDataError(err)) await this.deadLetter(w, err);
        else this.notStored(w, err);
      }
    }
    return changed;
  }

  /** Stores a poisoned request raw, its events not understood, and answers it 2xx so the gateway stops retrying it. */
  private async deadLetter(w: Waiting, cause: unknown): Promise<Set<number>> {
    const code = sqlState(cause);
    this.log.error({ code, events: w.req.events.length }, 'webhook request refused by the database; stored raw as not understood');
    const events: WebhookEvent[] = w.req.events.map((e) => ({
      kind: 'not_understood',
      about: e.kind === 'status' || e.kind === 'inbound' ? e.kind : e.about,
      reason: `refused by the database (SQLSTATE ${code})`,
      messageId: null,
      status: null,
      payload: null,
    }));
    const outcomes = events.map((e) => ({ result: 'not_understood' as const, reason: (e as { reason: string }).reason }));
    try {
      const [requestId] = await this.db.transaction((tx) => storeWebhookRequests(tx, [{ ...w.req, events, outcomes }]));
      this.answer(w, { requestId: requestId!, outcomes });
    } catch (err) {
      this.notStored(w, err);
    }
    return new Set();
  }

  /** One request of a batch run one by one could not be stored: the gateway retries it. */
  private notStored(w: Waiting, err: unknown): void {
    this.log.warn({ err: (err as Error).message, code: sqlState(err) }, 'webhook request failed; answered 503');
    w.reject(notStored());
  }

  private answer(w: Waiting, stored: StoredWebhook): void {
    stored.outcomes.forEach((o, i) => {
      this.metrics?.webhookEvents.inc({ kind: o.result });
      const e = w.req.events[i];
      // Committed: the number is on the opt-out list now (the log masks it).
      if (e?.kind === 'inbound' && o.result === 'applied' && isOptOut(e.text))
        this.log.info({ phone: maskPhone(e.phone) }, 'opt-out received: no blast will message this number again');
    });
    w.resolve(stored);
  }

  private async commit(requests: IncomingWebhook[]): Promise<{ stored: StoredWebhook[]; changed: Set<number> }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async (tx) => {
          const { outcomes, changedBlasts } = await applyWebhookEvents(
            tx,
            requests.flatMap((r) => r.events),
            this.opts,
          );
          let at = 0;
          const withOutcomes = requests.map((r) => {
            const from = at;
            at += r.events.length;
            return { ...r, outcomes: outcomes.slice(from, at) };
          });
          const ids = await storeWebhookRequests(tx, withOutcomes);
          return { stored: withOutcomes.map((r, i) => ({ requestId: ids[i]!, outcomes: r.outcomes })), changed: changedBlasts };
        });
      } catch (err) {
        const code = sqlState(err);
        // A deadlock or serialisation failure is resolved by running the batch again.
        if ((code === '40P01' || code === '40001') && attempt < 5) continue;
        throw err;
      }
    }
  }
}
