import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { Logger } from '../log.ts';

const BATCH = 1000;
const EVERY_MS = 10 * 60_000;

/**
 * Deletes raw webhook bodies and their events older than `days`, BATCH rows per statement so no
 * long transaction holds locks against the group commit. SKIP LOCKED lets several engines prune
 * side by side. Returns the rows deleted.
 */
export async function pruneWebhooks(db: Db, days: number): Promise<number> {
  let total = 0;
  for (const table of [sql`webhook_events`, sql`webhook_requests`]) {
    for (;;) {
      const gone = await rows<{ id: number }>(
        db,
        sql`DELETE FROM ${table} WHERE id IN (
              SELECT id FROM ${table} WHERE received_at < now() - ${days} * interval '1 day'
              ORDER BY received_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
            RETURNING id`,
      );
      total += gone.length;
      if (gone.length < BATCH) break;
    }
  }
  return total;
}

/** The engine role's periodic prune (WEBHOOK_RETENTION_DAYS): soon after start, then every 10 minutes. */
export class WebhookPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly days: number,
    private readonly log: Logger,
  ) {}

  start(firstInMs = 30_000): void {
    this.schedule(firstInMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.running = pruneWebhooks(this.db, this.days)
        .then((n) => {
          if (n > 0) this.log.info({ rows: n, days: this.days }, 'pruned old webhook bodies and events');
        })
        .catch((err: Error) => this.log.warn({ err: err.message }, 'webhook prune failed; next time'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.schedule(EVERY_MS);
        });
    }, ms);
    this.timer.unref();
  }
}
