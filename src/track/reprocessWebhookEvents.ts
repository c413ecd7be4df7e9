import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { parseWebhookBody } from '../webhooks/parseWebhookBody.ts';
import type { EventResult, WebhookEvent } from '../webhooks/webhookEvent.ts';
import { type ApplyOptions, applyWebhookEvents } from './applyWebhookEvents.ts';
import { replaceWebhookEvents } from './storeWebhookRequests.ts';

const BATCH = 200;

export type ReprocessCounts = { examined: number } & Record<EventResult, number>;

interface Candidate {
  id: number;
  request_id: number | null;
  ordinal: number | null;
  received_at: string;
  payload: unknown;
  body: string | null;
  content_type: string | null;
  /** Rows of its request, and how many of them are not understood. */
  siblings: number;
  not_understood: number;
}

/**
 * Reads not-understood webhook events again from their raw request with today's parser (after an
 * upgrade that understands more) and applies what it now understands, exactly as if it had just
 * arrived: statuses move recipients (or wait for their send), replies and STOPs land. A request
 * none of whose events was understood is read whole again (it may now hold several events);
 * otherwise only its not-understood events are replaced, place for place. Rows from before raw
 * bodies were kept are read from their payload. In batches, each its own transaction.
 */
export async function reprocessWebhookEvents(
  db: Db,
  opts: ApplyOptions & { region: string; ids?: readonly number[] | undefined },
  onChange: (blastIds: Set<number>) => void = () => {},
): Promise<ReprocessCounts> {
  const counts: ReprocessCounts = { examined: 0, applied: 0, waiting: 0, ignored: 0, not_understood: 0 };
  let after = 0;
  // Rows written by this run get new ids: stop at today's last so what stays not understood is read once.
  const [{ last } = { last: 0 }] = await rows<{ last: number }>(db, sql`SELECT coalesce(max(id), 0)::bigint AS last FROM webhook_events`);
  for (;;) {
    const batch = await rows<Candidate>(
      db,
      sql`SELECT e.id, e.request_id, e.ordinal, e.received_at::text AS received_at, e.payload, r.body, r.content_type,
                 (SELECT count(*)::int FROM webhook_events s WHERE s.request_id = e.request_id) AS siblings,
                 (SELECT count(*)::int FROM webhook_events s WHERE s.request_id = e.request_id AND s.result = 'not_understood') AS not_understood
          FROM webhook_events e LEFT JOIN webhook_requests r ON r.id = e.request_id
          WHERE e.result = 'not_understood' AND e.id > ${after} AND e.id <= ${last}
            ${opts.ids ? sql`AND e.id IN (SELECT json_array_elements_text(${JSON.stringify(opts.ids)}::json)::bigint)` : sql``}
          ORDER BY e.id LIMIT ${BATCH}`,
    );
    if (batch.length === 0) return counts;
    after = batch[batch.length - 1]!.id;
    counts.examined += batch.length;
    const changed = await db.transaction(async (tx) => {
      const replaced: number[] = [];
      const fresh: Array<{ requestId: number | null; ordinal: number | null; receivedAt: string; event: WebhookEvent }> = [];
      const wholeDone = new Set<number>();
      for (const c of batch) {
        if (c.request_id !== null && c.body !== null && c.siblings === c.not_understood) {
          // Nothing of this request was understood: read it whole, replacing all its rows once.
          if (wholeDone.has(c.request_id)) continue;
          wholeDone.add(c.request_id);
          const all = await rows<{ id: number }>(tx, sql`SELECT id FROM webhook_events WHERE request_id = ${c.request_id}`);
          replaced.push(...all.map((a) => a.id));
          parseWebhookBody(c.content_type, c.body, opts.region).forEach((event, ordinal) => {
            fresh.push({ requestId: c.request_id, ordinal, receivedAt: c.received_at, event });
          });
          continue;
        }
        const again =
          c.body !== null
            ? parseWebhookBody(c.content_type, c.body, opts.region)
            : parseWebhookBody('application/json', JSON.stringify(c.payload), opts.region);
        const event =
          c.body !== null ? (again.length === c.siblings ? again[c.ordinal ?? 0] : undefined) : again.length === 1 ? again[0] : undefined;
        if (!event) {
          counts.not_understood++;
          continue;
        }
        replaced.push(c.id);
        fresh.push({ requestId: c.request_id, ordinal: c.ordinal, receivedAt: c.received_at, event });
      }
      const { outcomes, changedBlasts } = await applyWebhookEvents(
        tx,
        fresh.map((f) => f.event),
        opts,
      );
      for (const o of outcomes) counts[o.result]++;
      await replaceWebhookEvents(
        tx,
        replaced,
        fresh.map((f, i) => ({ ...f, outcome: outcomes[i]! })),
      );
      return changedBlasts;
    });
    if (changed.size) onChange(changed);
    if (batch.length < BATCH) return counts;
  }
}
