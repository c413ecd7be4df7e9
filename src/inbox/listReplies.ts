import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { variableNamed } from '../domain/recipientName.ts';
import { renderTemplate } from '../domain/template.ts';
import { isoTime } from '../util/pgTime.ts';
import { type ReplyFilter, replyWhere } from './replyFilters.ts';
import type { ReplyView } from '../api/contract.ts';

export type { ReplyView };

/** A reply as selected: the rendered message and name are made from the blast's template and variables. */
type Row = Omit<ReplyView, 'name' | 'sent_message'> & { message: string | null; variables: Record<string, string> | null };

const FROM = sql`inbound_messages i
  LEFT JOIN blast_recipients r ON r.id = i.recipient_id
  LEFT JOIN blasts b ON b.id = r.blast_id`;

/**
 * Every reply across blasts, newest first: each inbound message with the recipient and blast it
 * answered (null for a reply that matched no recent send — listed too, a person may still want it).
 */
export async function listReplies(
  db: Db,
  f: ReplyFilter,
  page: { limit: number; offset: number },
): Promise<{ replies: ReplyView[]; total: number; limit: number; offset: number }> {
  const where = replyWhere(f);
  const found = await rows<Row>(
    db,
    sql`SELECT i.id, i.recipient_id, r.blast_id, i.phone_number AS phone, i.text, i.received_at,
               b.tag AS blast_tag, b.follow_up_stage, b.message, r.variables, r.status, r.sent_at, r.closed_at,
               r.close_outcome AS outcome, r.close_note AS note,
               EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = i.phone_number) AS opted_out
        FROM ${FROM}
        WHERE ${where}
        ORDER BY i.received_at DESC, i.id DESC
        LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const [count] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${FROM} WHERE ${where}`);
  return { replies: found.map(toReplyView), total: count!.n, ...page };
}

function toReplyView(r: Row): ReplyView {
  const vars = r.variables ?? {};
  return {
    id: Number(r.id),
    recipient_id: r.recipient_id === null ? null : Number(r.recipient_id),
    blast_id: r.blast_id === null ? null : Number(r.blast_id),
    phone: r.phone,
    name: variableNamed(vars, 'name'),
    text: r.text,
    received_at: isoTime(r.received_at)!,
    blast_tag: r.blast_tag,
    follow_up_stage: r.follow_up_stage,
    sent_message: r.message === null ? null : renderTemplate(r.message, { ...vars, phone: r.phone }, r.phone),
    status: r.status,
    sent_at: isoTime(r.sent_at),
    closed_at: isoTime(r.closed_at),
    outcome: r.outcome,
    note: r.note,
    opted_out: r.opted_out,
  };
}

/** Kept here for the modules that import it from the inbox. */
export { variableNamed };
