import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { POLL_OFFSETS_S } from '../domain/pollSchedule.ts';
import type { Logger } from '../log.ts';
import { type StatusEvent, applyStatusEvents, lockMessageIds } from './applyStatusEvents.ts';
import type { GatewayPort } from './gatewayPort.ts';

interface Due {
  id: number;
  blast_id: number;
  message_id: string;
  device: string;
}

const OFFSETS = `{${POLL_OFFSETS_S.join(',')}}`;

const STATUS_TO_EVENT: Record<string, StatusEvent['status']> = {
  PENDING: 'PENDING',
  SERVER_ACK: 'PENDING',
  DELIVERY_ACK: 'DELIVERY_ACK',
  READ_ACK: 'READ_ACK',
  ERROR: 'ERROR',
};

/**
 * The safety net under webhooks: asks the gateway about messages stuck at PENDING or
 * DELIVERY_ACK, on the widening schedule of domain/pollSchedule, within a budget of status calls
 * per second. Taking a batch reschedules it in the same statement (SKIP LOCKED), so several
 * processes never poll the same message at once.
 */
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly db: Db,
    private readonly gateway: GatewayPort,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly onChange: (ids: Set<number>) => void,
  ) {}

  start(): void {
    if (this.config.pollMode === 'off') return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.scheduledPass().finally(() => (this.running = null));
    }, 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One background pass: at most POLL_RATE calls (one second of budget). */
  async scheduledPass(): Promise<number> {
    try {
      const due = await rows<Due>(
        this.db,
        sql`WITH due AS (
              SELECT r.id FROM blast_recipients r
              WHERE r.next_poll_at <= now() AND r.status IN ('PENDING', 'DELIVERY_ACK') AND r.message_id IS NOT NULL
              ORDER BY r.next_poll_at
              LIMIT ${Math.max(1, Math.floor(this.config.pollRate))}
              FOR UPDATE SKIP LOCKED
            )
            UPDATE blast_recipients r SET
              poll_count = r.poll_count + 1,
              next_poll_at = r.sent_at + (${OFFSETS}::int[])[r.poll_count + 2] * interval '1 second'
            FROM due, blasts b
            WHERE r.id = due.id AND b.id = r.blast_id
            RETURNING r.id, r.blast_id, r.message_id, b.device`,
      );
      return (await this.check(due)).updated;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'poll pass failed');
      return 0;
    }
  }

  /** `POST /api/blasts/:id/check-status`: every unsettled recipient of one blast, now. */
  async checkBlast(blastId: number): Promise<{ checked: number; updated: number }> {
    const due = await rows<Due>(
      this.db,
      sql`SELECT r.id, r.blast_id, r.message_id, b.device FROM blast_recipients r JOIN blasts b ON b.id = r.blast_id
          WHERE r.blast_id = ${blastId} AND r.status IN ('PENDING', 'DELIVERY_ACK') AND r.message_id IS NOT NULL
          ORDER BY r.id`,
    );
    return this.check(due);
  }

  private async check(due: Due[]): Promise<{ checked: number; updated: number }> {
    let checked = 0;
    let updated = 0;
    const concurrency = 8;
    for (let i = 0; i < due.length; i += 100) {
      const chunk = due.slice(i, i + 100);
      const events: StatusEvent[] = [];
      let next = 0;
      let pauseMs = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, chunk.length) }, async () => {
          while (next < chunk.length) {
            const d = chunk[next++]!;
            if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
            const o = await this.gateway.getMessageStatus({ device: d.device, messageId: d.message_id });
            if (o.kind === 'rate_limited') {
              pauseMs = o.retryAfterMs;
              next--; // ask again for this one after the pause
              chunk[next] = d;
              continue;
            }
            pauseMs = 0;
            checked++;
            const s = o.kind === 'status' ? STATUS_TO_EVENT[o.status] : undefined;
            if (o.kind === 'status' && s) events.push({ messageId: d.message_id, status: s, c2sTimestamp: o.c2sTimestamp });
          }
        }),
      );
      if (events.length === 0) continue;
      const result = await this.db.transaction(async (tx) => {
        await lockMessageIds(tx, events.map((e) => e.messageId));
        return applyStatusEvents(tx, events);
      });
      updated += result.updated;
      if (result.changedBlasts.size) this.onChange(result.changedBlasts);
    }
    return { checked, updated };
  }
}
