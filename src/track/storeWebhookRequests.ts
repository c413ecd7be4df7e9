import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { storableText } from '../webhooks/sanitiseJson.ts';
import type { EventOutcome, WebhookEvent } from '../webhooks/webhookEvent.ts';

export interface RawRequest {
  contentType: string | null;
  body: string;
  /** Where the secret came: path | query | header. */
  secretIn: string;
}

/** A row of webhook_events as the group commit writes it. */
function eventRow(req: number, ord: number, e: WebhookEvent, o: EventOutcome) {
  const base = { req, ord, payload: e.payload ?? null, result: o.result, outcome: o.reason };
  if (e.kind === 'status') return { ...base, kind: 'status', mid: e.messageId, status: e.status, c2s: e.c2sTimestamp };
  if (e.kind === 'inbound') return { ...base, kind: 'inbound', mid: null, status: null, c2s: null };
  return { ...base, kind: e.about, mid: e.messageId, status: e.status, c2s: null };
}

/**
 * Stores requests raw and their events with what became of each, in one statement: the request
 * ids are drawn from the sequence in a CTE so each event row can name its request. Waiting events
 * keep applied_at NULL (the inbox); every other one is settled now. Returns the request ids in order.
 */
export async function storeWebhookRequests(
  tx: Db,
  requests: ReadonlyArray<RawRequest & { events: readonly WebhookEvent[]; outcomes: readonly EventOutcome[] }>,
): Promise<number[]> {
  const reqRows = requests.map((r, i) => ({ i, ct: r.contentType?.slice(0, 200) ?? null, body: storableText(r.body), via: r.secretIn }));
  const evRows = requests.flatMap((r, i) => r.events.map((e, k) => eventRow(i, k, e, r.outcomes[k]!)));
  const ids = await rows<{ i: number; id: number }>(
    tx,
    sql`WITH r AS (
          SELECT x.i, nextval('webhook_requests_id_seq') AS id, x.ct, x.body, x.via
          FROM json_to_recordset(${JSON.stringify(reqRows)}::json) AS x(i int, ct text, body text, via text)
        ), ins AS (
          INSERT INTO webhook_requests (id, content_type, body, secret_in) SELECT id, ct, body, via FROM r
        ), ev AS (
          INSERT INTO webhook_events (kind, message_id, status, payload, applied_at, outcome, request_id, ordinal, result, c2s_timestamp)
          SELECT e.kind, e.mid, e.status, e.payload, CASE WHEN e.result <> 'waiting' THEN now() END, e.outcome, r.id, e.ord, e.result, e.c2s
          FROM json_to_recordset(${JSON.stringify(evRows)}::json)
            AS e(req int, ord int, kind text, mid text, status text, payload jsonb, result text, outcome text, c2s text)
          JOIN r ON r.i = e.req
        )
        SELECT i, id FROM r`,
  );
  const byIndex = new Map(ids.map((x) => [x.i, x.id]));
  return requests.map((_, i) => byIndex.get(i)!);
}

/**
 * Re-processing: swaps the rows `replaced` for events read again from their raw request, keeping
 * each one's request, place and time of arrival. One statement.
 */
export async function replaceWebhookEvents(
  tx: Db,
  replaced: readonly number[],
  fresh: ReadonlyArray<{
    requestId: number | null;
    ordinal: number | null;
    receivedAt: string;
    event: WebhookEvent;
    outcome: EventOutcome;
  }>,
): Promise<void> {
  const evRows = fresh.map((f) => ({
    ...eventRow(0, f.ordinal ?? 0, f.event, f.outcome),
    req: f.requestId,
    ord: f.ordinal,
    at: f.receivedAt,
  }));
  await tx.execute(
    sql`WITH gone AS (
          DELETE FROM webhook_events WHERE id IN (SELECT json_array_elements_text(${JSON.stringify(replaced)}::json)::bigint)
        )
        INSERT INTO webhook_events (received_at, kind, message_id, status, payload, applied_at, outcome, request_id, ordinal, result, c2s_timestamp)
        SELECT e.at, e.kind, e.mid, e.status, e.payload, CASE WHEN e.result <> 'waiting' THEN now() END, e.outcome, e.req, e.ord, e.result, e.c2s
        FROM json_to_recordset(${JSON.stringify(evRows)}::json)
          AS e(at timestamptz, req bigint, ord int, kind text, mid text, status text, payload jsonb, result text, outcome text, c2s text)`,
  );
}
