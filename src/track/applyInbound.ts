import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { isOptOut } from '../domain/optOut.ts';
import { addOptOut } from '../optOuts/optOutStore.ts';
import type { InboundMessage } from '../webhooks/webhookEvent.ts';
import { advancesTo, statusIn } from '../db/statusSql.ts';
import { RANK, REPLY_MOVES, REPLY_TARGETS } from '../domain/status.ts';

export interface InboundApplied {
  /** The blast whose funnel changed, if any. */
  changedBlast: number | null;
  /** What happened, in words (webhook_events.outcome). */
  outcome: string;
}

const E164 = /^\+\d{6,16}$/;

/**
 * A reply marks the latest recipient sent to that number within the window REPLIED (a reply
 * proves delivery and reading, so it counts as both even without READ_ACK; from UNCERTAIN too,
 * since it proves the message arrived). The text is kept; STOP and friends add an opt-out — keyed
 * to the E.164 number, never to a JID (the parser turned the sender's JID into its number).
 *
 * When that latest recipient is still SENDING — the gateway delivered and the person answered
 * before the send's result was stored (a slow store, a database outage, a sender that died) —
 * the reply is kept linked to it and applied the moment the send settles as sent or UNCERTAIN
 * (applyWaitingReplies); if the send turns out not to have gone out, storeSettled drops the link.
 * The FOR UPDATE on the row orders this against the send-store: whichever commits second sees
 * the other.
 */
export async function applyInbound(
  tx: Db,
  m: Pick<InboundMessage, 'phone' | 'text' | 'payload'>,
  windowHours: number,
): Promise<InboundApplied> {
  // The parser only hands over E.164 numbers; this keeps anything else out of opt_outs for good.
  if (!E164.test(m.phone)) return { changedBlast: null, outcome: 'sender is not an E.164 number; not applied' };
  const phone = m.phone;
  const [hit] = await rows<{ id: number; blast_id: number; status: string }>(
    tx,
    sql`SELECT id, blast_id, status FROM blast_recipients
        WHERE phone_number = ${phone}
          AND ${statusIn(REPLY_TARGETS)}
          AND coalesce(sent_at, claimed_at) > now() - ${windowHours} * interval '1 hour'
        ORDER BY coalesce(sent_at, claimed_at) DESC, id DESC
        LIMIT 1
        FOR UPDATE`,
  );
  let changedBlast: number | null = null;
  if (hit && hit.status !== 'SENDING') {
    const moved = await rows<{ blast_id: number }>(
      tx,
      sql`UPDATE blast_recipients SET status = 'REPLIED',
            sent_at = coalesce(sent_at, now()), delivered_at = coalesce(delivered_at, now()),
            read_at = coalesce(read_at, now()), replied_at = coalesce(replied_at, now()), next_poll_at = NULL
          WHERE id = ${hit.id} AND ${advancesTo(RANK.REPLIED)}
          RETURNING blast_id`,
    );
    if (moved.length) changedBlast = hit.blast_id;
  }
  await tx.execute(
    sql`INSERT INTO inbound_messages (phone_number, text, recipient_id, payload)
        VALUES (${phone}, ${m.text}, ${hit?.id ?? null}, ${JSON.stringify(m.payload ?? {})}::jsonb)`,
  );
  const stop = isOptOut(m.text);
  if (stop) {
    await addOptOut(tx, phone, `replied "${m.text.slice(0, 40)}"`, 'reply');
  }
  const about = !hit
    ? 'message kept; no recipient sent to this number within the reply window'
    : hit.status === 'SENDING'
      ? `reply to recipient ${hit.id}, applied when its send is stored`
      : `reply to recipient ${hit.id}`;
  return { changedBlast, outcome: stop ? `${about}; opted out` : about };
}

/**
 * Replies that arrived while these recipients were SENDING (see applyInbound), now that their
 * send is stored as accepted or declared UNCERTAIN: the reply proves the message arrived.
 * Call inside the transaction that settled them. Returns the blasts that changed.
 */
export async function applyWaitingReplies(tx: Db, recipientIds: readonly number[]): Promise<Set<number>> {
  if (recipientIds.length === 0) return new Set();
  const moved = await rows<{ blast_id: number }>(
    tx,
    sql`UPDATE blast_recipients r SET status = 'REPLIED',
          sent_at = coalesce(r.sent_at, now()), delivered_at = coalesce(r.delivered_at, now()),
          read_at = coalesce(r.read_at, now()), replied_at = coalesce(r.replied_at, now()), next_poll_at = NULL
        WHERE r.id IN (SELECT json_array_elements_text(${JSON.stringify(recipientIds)}::json)::bigint)
          AND ${statusIn(REPLY_MOVES, 'r.status')}
          AND EXISTS (SELECT 1 FROM inbound_messages i WHERE i.recipient_id = r.id)
        RETURNING r.blast_id`,
  );
  return new Set(moved.map((m) => m.blast_id));
}
