import { sql } from 'drizzle-orm';
import type { WebhookEventList } from '../api/contract.ts';
import { type Db, rows } from '../db/client.ts';
import type { EventResult } from './webhookEvent.ts';

/** The webhook inbox's reads (GET /api/webhook-events): events newest first and the raw requests they came in. */
type Event = WebhookEventList['events'][number];
type Request = WebhookEventList['requests'][number];

// Rows from before raw bodies were kept (migration 0004) have no result: read it from applied_at.
const RESULT = sql`coalesce(result, CASE WHEN applied_at IS NULL THEN 'waiting' ELSE 'applied' END)`;

/** One page of events, newest first; `unmatched`: only those still waiting for their send. */
export async function listWebhookEvents(
  db: Db,
  q: { unmatched: boolean; result?: EventResult | undefined; limit: number; offset: number },
): Promise<Event[]> {
  return rows<Event>(
    db,
    sql`SELECT id, received_at, kind, message_id, status, ${RESULT} AS result, outcome, applied_at, request_id, ordinal, payload
        FROM webhook_events
        WHERE ${q.unmatched ? sql`applied_at IS NULL` : sql`true`}
          AND ${q.result ? sql`${RESULT} = ${q.result}` : sql`true`}
        ORDER BY id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
  );
}

/** The raw requests with these ids, newest first (each once, however many of its events a page lists). */
export async function webhookRequestsByIds(db: Db, ids: readonly number[]): Promise<Request[]> {
  if (ids.length === 0) return [];
  return rows<Request>(
    db,
    sql`SELECT id, received_at, content_type, secret_in, body FROM webhook_requests
        WHERE id IN (SELECT json_array_elements_text(${JSON.stringify(ids)}::json)::bigint) ORDER BY id DESC`,
  );
}
