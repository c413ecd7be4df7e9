import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { statusIn } from '../db/statusSql.ts';
import { POLL_OFFSETS_S } from '../domain/pollSchedule.ts';
import { AWAITING_ANSWER } from '../domain/status.ts';
import { applyWaitingReplies } from '../track/applyInbound.ts';
import { applyInboxFor as applyInbox } from '../track/applyInbox.ts';
import { lockMessageIds } from '../track/applyStatusEvents.ts';
import { recordDeviceSends } from './deviceSends.ts';
import { recordSenders } from './phoneSenders.ts';

const FIRST_POLL_S = POLL_OFFSETS_S[0];

export interface Accepted {
  id: number;
  messageId: string;
  data: unknown;
  /** When it left, by the engine's clock: what the pacing caps count (send/deviceSends). */
  sentAt: number;
}

/**
 * Records messages the gateway accepted: message_id, PENDING, sent_at and the whole response in
 * one UPDATE, then applies any webhook or reply that raced ahead of it — all in one transaction
 * under the message-id locks. AWAITING_ANSWER (SENDING or UNCERTAIN): if our lease lapsed mid-request and
 * the recovery sweep already called the row UNCERTAIN, the answer we now hold settles it as sent.
 * The first poll is due at the first offset of domain/pollSchedule (10 s); the poller widens it from there.
 */
export async function storeAccepted(db: Db, owner: string, device: string, items: readonly Accepted[]): Promise<Set<number>> {
  if (items.length === 0) return new Set();
  return db.transaction(async (tx) => {
    await lockMessageIds(
      tx,
      items.map((i) => i.messageId),
    );
    const payload = JSON.stringify(items.map((i) => ({ id: i.id, mid: i.messageId, data: i.data ?? null })));
    const stored = await rows<{ id: number; blast_id: number; message_id: string }>(
      tx,
      sql`UPDATE blast_recipients r SET
            status = 'PENDING', message_id = a.mid, wsapme_message_data = a.data, sent_at = now(),
            claimed_by = NULL, last_error = NULL, failed_at = NULL, next_poll_at = now() + ${FIRST_POLL_S} * interval '1 second', poll_count = 0
          FROM json_to_recordset(${payload}::json) AS a(id bigint, mid text, data jsonb)
          WHERE r.id = a.id AND r.claimed_by = ${owner} AND ${statusIn(AWAITING_ANSWER, 'r.status')}
          RETURNING r.id, r.blast_id, r.message_id`,
    );
    const sentAt = new Map(items.map((i) => [String(i.id), i.sentAt]));
    await recordDeviceSends(
      tx,
      device,
      stored.map((s) => sentAt.get(String(s.id))!),
    );
    await recordSenders(
      tx,
      stored.map((s) => s.id),
    );
    const changed = await applyInbox(
      tx,
      stored.map((s) => s.message_id),
    );
    for (const b of await applyWaitingReplies(
      tx,
      stored.map((s) => s.id),
    ))
      changed.add(b);
    for (const s of stored) changed.add(s.blast_id);
    return changed;
  });
}

export type Settled =
  | { id: number; kind: 'failed'; reason: string }
  | { id: number; kind: 'uncertain'; reason: string }
  | { id: number; kind: 'skipped'; reason: string }
  /** Back to the queue. `spendAttempt` is false for 429s: being told to slow down is not a failure. */
  | { id: number; kind: 'retry'; reason: string; delayMs: number; spendAttempt: boolean };

/**
 * Settles claimed rows that were not accepted, one set-based UPDATE for the whole batch.
 * Only rows this owner still holds in SENDING are touched. A reply that came in while a row
 * was in flight is applied if the row is now UNCERTAIN, and unlinked if it was not sent.
 */
export async function storeSettled(db: Db, owner: string, items: readonly Settled[]): Promise<Set<number>> {
  if (items.length === 0) return new Set();
  const payload = JSON.stringify(
    items.map((i) => ({
      id: i.id,
      kind: i.kind,
      reason: i.reason.slice(0, 500),
      delay_ms: i.kind === 'retry' ? i.delayMs : 0,
      spend: i.kind === 'retry' ? i.spendAttempt : false,
    })),
  );
  return db.transaction(async (tx) => {
    const changed = await rows<{ id: number; blast_id: number; status: string }>(
      tx,
      sql`UPDATE blast_recipients r SET
            status = CASE s.kind WHEN 'failed' THEN 'FAILED' WHEN 'uncertain' THEN 'UNCERTAIN'
                                 WHEN 'skipped' THEN 'SKIPPED' ELSE 'QUEUED' END,
            last_error = s.reason,
            failed_at = CASE WHEN s.kind = 'failed' THEN now() ELSE r.failed_at END,
            attempts = r.attempts + CASE WHEN s.spend OR s.kind IN ('failed', 'uncertain') THEN 1 ELSE 0 END,
            next_attempt_at = CASE WHEN s.kind = 'retry' THEN now() + s.delay_ms * interval '1 millisecond' END,
            claimed_by = CASE WHEN s.kind = 'uncertain' THEN r.claimed_by END,
            -- Back in the queue unsent: it stays this device's only if the device messaged the phone
            -- before (sticky); a new phone may go to another device of the pool.
            device = CASE WHEN s.kind <> 'retry' THEN r.device
                          ELSE (SELECT ps.device FROM phone_senders ps WHERE ps.phone_number = r.phone_number AND ps.device = r.device) END
          FROM json_to_recordset(${payload}::json) AS s(id bigint, kind text, reason text, delay_ms int, spend boolean)
          WHERE r.id = s.id AND r.claimed_by = ${owner} AND r.status = 'SENDING'
          RETURNING r.id, r.blast_id, r.status`,
    );
    // Separate statements, not CTEs: they must see a reply committed while the UPDATE waited for its row lock.
    const notSent = changed.filter((c) => c.status !== 'UNCERTAIN').map((c) => c.id);
    if (notSent.length > 0) {
      await tx.execute(
        sql`UPDATE inbound_messages SET recipient_id = NULL
            WHERE recipient_id IN (SELECT json_array_elements_text(${JSON.stringify(notSent)}::json)::bigint)`,
      );
    }
    const uncertain = changed.filter((c) => c.status === 'UNCERTAIN').map((c) => c.id);
    await recordSenders(tx, uncertain);
    const blasts = await applyWaitingReplies(tx, uncertain);
    for (const c of changed) blasts.add(c.blast_id);
    return blasts;
  });
}
