import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { failureReason } from '../domain/failureReason.ts';
import { normalisePhone } from '../domain/phone.ts';
import type { Status } from '../domain/status.ts';
import { renderTemplate } from '../domain/template.ts';
import { AppError } from '../errors.ts';
import { findOptOut } from '../optOuts/optOutStore.ts';
import { isoTime } from '../util/pgTime.ts';
import { variableNamed } from './listReplies.ts';
import { CONTACT_TIMES as TIMES, type ContactMessage, type ContactTime as Time, type ContactTimeline } from '../api/contract.ts';

export type { ContactMessage, ContactTimeline };

type MessageRow = Omit<ContactMessage, 'text' | 'failure_reason'> & { message: string; variables: Record<string, string> };

/**
 * Everything wablast knows about one number, whatever spelling it is given in: every message sent
 * to it across blasts (oldest first, rendered as it was sent, with its stage times), its replies,
 * and its opt-out. A number never messaged answers with empty lists, not 404.
 */
export async function contactTimeline(db: Db, phoneInput: string, region: string): Promise<ContactTimeline> {
  const parsed = normalisePhone(phoneInput, region);
  if (!parsed.ok) throw new AppError('validation_failed', `phone: ${parsed.reason}`, [{ field: 'phone', message: parsed.reason }]);
  const phone = parsed.e164;
  const sent = await rows<MessageRow>(
    db,
    sql`SELECT r.id AS recipient_id, r.blast_id, b.tag AS blast_tag, b.follow_up_stage, b.message, r.variables,
               r.status, r.last_error, r.close_outcome AS outcome, r.close_note AS note,
               r.queued_at, r.sent_at, r.delivered_at, r.read_at, r.replied_at, r.closed_at, r.failed_at
        FROM blast_recipients r JOIN blasts b ON b.id = r.blast_id
        WHERE r.phone_number = ${phone}
        ORDER BY coalesce(r.sent_at, r.queued_at), r.id`,
  );
  const replies = await rows<{ id: number; recipient_id: number | null; blast_id: number | null; text: string; received_at: string }>(
    db,
    sql`SELECT i.id, i.recipient_id, r.blast_id, i.text, i.received_at
        FROM inbound_messages i LEFT JOIN blast_recipients r ON r.id = i.recipient_id
        WHERE i.phone_number = ${phone}
        ORDER BY i.received_at, i.id`,
  );
  const optOut = await findOptOut(db, phone);
  let name: string | null = null;
  const messages = sent.map(({ message, variables, ...m }) => {
    name = variableNamed(variables, 'name') ?? name;
    const times = Object.fromEntries(TIMES.map((t) => [t, isoTime(m[t])])) as Record<Time, string | null>;
    const failure_reason = failureReason(m.last_error, m.status as Status)?.text ?? null;
    return {
      ...m,
      ...times,
      failure_reason,
      recipient_id: Number(m.recipient_id),
      blast_id: Number(m.blast_id),
      text: renderTemplate(message, { ...variables, phone }, phone),
    };
  });
  return {
    phone,
    name,
    opted_out: optOut,
    messages,
    replies: replies.map((r) => ({
      ...r,
      id: Number(r.id),
      recipient_id: r.recipient_id === null ? null : Number(r.recipient_id),
      blast_id: r.blast_id === null ? null : Number(r.blast_id),
      received_at: isoTime(r.received_at)!,
    })),
  };
}
