import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { type StatusEvent, applyStatusEvents } from './applyStatusEvents.ts';

/**
 * Applies webhook events that arrived before their message id was stored (the gateway may call
 * back before its send call returns). Runs inside the send-store transaction, after
 * lockMessageIds, so no event for these ids can be committed unseen in between.
 */
export async function applyInboxFor(tx: Db, messageIds: readonly string[]): Promise<Set<number>> {
  if (messageIds.length === 0) return new Set();
  const waiting = await rows<{ id: number; message_id: string; status: string; c2s: string | null }>(
    tx,
    sql`SELECT id, message_id, status, coalesce(c2s_timestamp, payload->>'messageC2STimestamp') AS c2s
        FROM webhook_events
        WHERE applied_at IS NULL AND kind = 'status'
          AND message_id IN (SELECT json_array_elements_text(${JSON.stringify(messageIds)}::json))`,
  );
  if (waiting.length === 0) return new Set();
  const events: StatusEvent[] = waiting.map((w) => ({
    messageId: w.message_id,
    status: w.status as StatusEvent['status'],
    c2sTimestamp: w.c2s,
  }));
  const { changedBlasts } = await applyStatusEvents(tx, events);
  await tx.execute(
    sql`UPDATE webhook_events SET applied_at = now(), result = 'applied', outcome = 'applied after send stored'
        WHERE id IN (SELECT json_array_elements_text(${JSON.stringify(waiting.map((w) => w.id))}::json)::bigint)`,
  );
  return changedBlasts;
}
