import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { EventOutcome, StatusUpdate, WebhookEvent } from '../webhooks/webhookEvent.ts';
import { applyInbound } from './applyInbound.ts';
import { applyStatusEvents, lockMessageIds } from './applyStatusEvents.ts';

/** POLL_MODE=fallback: a message a webhook spoke about is not polled for at least this long. */
const DEFER_POLL_MINUTES = 10;

export interface ApplyOptions {
  replyWindowHours: number;
  /** 'fallback': a message a webhook spoke about is polled later — the webhooks are working for it. */
  pollMode?: 'off' | 'fallback' | 'always';
}

/**
 * Applies parsed webhook events inside the caller's transaction, in a set: statuses in one UPDATE
 * (monotonic, see applyStatusEvents), replies one by one. Returns what became of each event, in
 * order, and the blasts whose funnel changed. Ignored and not-understood events change nothing.
 * Used by the group commit and by reprocessing alike.
 */
export async function applyWebhookEvents(
  tx: Db,
  events: readonly WebhookEvent[],
  opts: ApplyOptions,
): Promise<{ outcomes: EventOutcome[]; changedBlasts: Set<number> }> {
  const statusEvents = events.filter((e): e is StatusUpdate => e.kind === 'status');
  await lockMessageIds(
    tx,
    statusEvents.map((e) => e.messageId),
  );
  const fallback = opts.pollMode === 'fallback';
  const { matched, moved, changedBlasts } = await applyStatusEvents(
    tx,
    statusEvents.map((e) => ({ messageId: e.messageId, status: e.status, c2sTimestamp: e.c2sTimestamp })),
    fallback ? { deferPollMinutes: DEFER_POLL_MINUTES } : {},
  );
  // Recipients that moved were deferred by that UPDATE; only the rest (duplicates, late events) need this one.
  const stillToDefer = fallback ? [...matched].filter((m) => !moved.has(m)) : [];
  if (stillToDefer.length > 0) {
    await tx.execute(
      sql`UPDATE blast_recipients SET next_poll_at = greatest(next_poll_at, now() + ${DEFER_POLL_MINUTES} * interval '1 minute')
          WHERE next_poll_at IS NOT NULL
            AND message_id IN (SELECT json_array_elements_text(${JSON.stringify(stillToDefer)}::json))`,
    );
  }

  const outcomes: EventOutcome[] = [];
  for (const e of events) {
    if (e.kind === 'status') {
      // Unmatched statuses wait (applied_at NULL) for their send to be stored (applyInboxFor).
      outcomes.push(
        matched.has(e.messageId)
          ? { result: 'applied', reason: 'applied' }
          : { result: 'waiting', reason: 'waiting for its send to be stored' },
      );
    } else if (e.kind === 'inbound') {
      const done = await applyInbound(tx, e, opts.replyWindowHours);
      if (done.changedBlast !== null) changedBlasts.add(done.changedBlast);
      outcomes.push({ result: 'applied', reason: done.outcome });
    } else {
      outcomes.push({ result: e.kind, reason: e.reason });
    }
  }
  return { outcomes, changedBlasts };
}
