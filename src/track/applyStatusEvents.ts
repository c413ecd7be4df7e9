import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { FAILABLE, type ProgressStatus, RANK } from '../domain/status.ts';
import { advancesTo, statusIn, statusOfRank } from '../db/statusSql.ts';

export interface StatusEvent {
  messageId: string;
  status: ProgressStatus | 'ERROR';
  c2sTimestamp?: string | null;
  reason?: string | null;
}

/**
 * Applies gateway evidence to recipients by message id, in a set: one UPDATE for any number of
 * events. The monotonic rule lives in the WHERE clause (`status_rank < e.rank`), so a duplicate or
 * a late DELIVERY_ACK after READ_ACK matches nothing; when two transactions race on one row,
 * Postgres re-checks that clause after the row lock is granted, so the higher rank always wins.
 * Stage timestamps are set once (coalesce) and every stage at or below the new one is filled,
 * so "reached READ" implies "reached DELIVERED" in the data, as in the funnel.
 *
 * ERROR (WhatsApp refused the message) fails a recipient only while nothing better is known.
 * `deferPollMinutes` (POLL_MODE=fallback, webhooks only) pushes a moved recipient's next poll at
 * least that far out in the same UPDATE: webhooks are reporting on it.
 *
 * Returns the message ids that exist, whether or not they moved, those that moved, and the blasts
 * that changed. Without ERROR events that is one statement: the UPDATE and the look-up of which ids
 * exist share it (fewer round trips and row versions per webhook batch; bench webhook_ingest).
 */
export async function applyStatusEvents(
  tx: Db,
  events: readonly StatusEvent[],
  opts: { deferPollMinutes?: number } = {},
): Promise<{ matched: Set<string>; moved: Set<string>; changedBlasts: Set<number>; updated: number }> {
  const progress = events.filter((e) => e.status !== 'ERROR');
  const errors = events.filter((e) => e.status === 'ERROR');
  const changedBlasts = new Set<number>();
  const matched = new Set<string>();
  const moved = new Set<string>();
  const defer = opts.deferPollMinutes ?? 0;
  let updated = 0;

  if (progress.length > 0) {
    const payload = JSON.stringify(
      progress.map((e) => ({ mid: e.messageId, rank: RANK[e.status as ProgressStatus], c2s: e.c2sTimestamp ?? null })),
    );
    // k = 'moved' rows carry the blast of a recipient that moved; k = 'found' rows every message id
    // of the batch that exists (read in the same snapshot, before the UPDATE — existence is all it asks).
    const result = await rows<{ k: 'moved' | 'found'; mid: string; blast_id: number | null }>(
      tx,
      sql`WITH e AS (
            SELECT mid, max(rank) AS rank, min(c2s) AS c2s
            FROM json_to_recordset(${payload}::json) AS x(mid text, rank int, c2s text)
            GROUP BY mid
          ), moved AS (
          UPDATE blast_recipients r SET
            status = ${statusOfRank('e.rank')},
            sent_at = coalesce(r.sent_at, now()),
            delivered_at = CASE WHEN e.rank >= ${RANK.DELIVERY_ACK} THEN coalesce(r.delivered_at, now()) END,
            read_at = CASE WHEN e.rank >= ${RANK.READ_ACK} THEN coalesce(r.read_at, now()) END,
            replied_at = CASE WHEN e.rank >= ${RANK.REPLIED} THEN coalesce(r.replied_at, now()) END,
            closed_at = CASE WHEN e.rank >= ${RANK.CLOSED} THEN coalesce(r.closed_at, now()) END,
            message_c2s_timestamp = coalesce(r.message_c2s_timestamp, e.c2s),
            failed_at = NULL,
            -- Read is as far as polling can see; past it only webhooks and people move a recipient.
            next_poll_at = CASE WHEN e.rank >= ${RANK.READ_ACK} THEN NULL
                                -- Only a scheduled poll is deferred (greatest() would turn NULL, "no more polls", into one).
                                WHEN ${defer} > 0 AND r.next_poll_at IS NOT NULL
                                  THEN greatest(r.next_poll_at, now() + ${defer} * interval '1 minute')
                                ELSE r.next_poll_at END
          FROM e
          WHERE r.message_id = e.mid AND ${advancesTo(sql`e.rank`, 'r.')}
          RETURNING r.blast_id, r.message_id
          )
          SELECT 'moved' AS k, message_id AS mid, blast_id FROM moved
          UNION ALL
          SELECT 'found', r.message_id, NULL FROM blast_recipients r JOIN e ON r.message_id = e.mid`,
    );
    for (const r of result) {
      if (r.k === 'found') {
        matched.add(r.mid);
      } else {
        updated++;
        moved.add(r.mid);
        changedBlasts.add(r.blast_id!);
      }
    }
  }

  if (errors.length > 0) {
    const payload = JSON.stringify(errors.map((e) => ({ mid: e.messageId, reason: e.reason ?? 'WhatsApp refused the message' })));
    const failed = await rows<{ blast_id: number; message_id: string }>(
      tx,
      sql`UPDATE blast_recipients r SET status = 'FAILED', failed_at = coalesce(r.failed_at, now()),
                 last_error = e.reason, next_poll_at = NULL
          FROM json_to_recordset(${payload}::json) AS e(mid text, reason text)
          WHERE r.message_id = e.mid AND ${statusIn(FAILABLE, 'r.status')}
          RETURNING r.blast_id, r.message_id`,
    );
    updated += failed.length;
    for (const m of failed) {
      changedBlasts.add(m.blast_id);
      moved.add(m.message_id);
    }
    const found = await rows<{ message_id: string }>(
      tx,
      sql`SELECT message_id FROM blast_recipients
          WHERE message_id IN (SELECT json_array_elements_text(${JSON.stringify([...new Set(errors.map((e) => e.messageId))])}::json))`,
    );
    for (const f of found) matched.add(f.message_id);
  }

  return { matched, moved, changedBlasts, updated };
}

/**
 * Serialises everything that touches these message ids for the rest of the transaction: the
 * webhook path and the send-store path both take it, so an event can never slip between "the
 * sender stored the id" and "the webhook looked for it". Sorted, so two batches never deadlock.
 */
export async function lockMessageIds(tx: Db, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const sorted = [...new Set(messageIds)].sort();
  await tx.execute(
    sql`SELECT pg_advisory_xact_lock(hashtext(m)) FROM json_array_elements_text(${JSON.stringify(sorted)}::json) WITH ORDINALITY AS t(m, i) ORDER BY i`,
  );
}
