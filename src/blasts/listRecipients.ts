import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { failureReason } from '../domain/failureReason.ts';
import type { Status } from '../domain/status.ts';
import { containsPattern, phoneDigitsPattern } from '../util/likePattern.ts';
import { isoTime } from '../util/pgTime.ts';
import { textArray } from '../db/statusSql.ts';
import type { RecipientListItem, RecipientView } from '../api/contract.ts';

export type { RecipientListItem, RecipientView };

export interface RecipientFilter {
  blastId: number;
  statuses?: Status[] | undefined;
  /** Digits to look for anywhere in the number. */
  phone?: string | undefined;
  /** Text in any of the recipient's variables (its name, a CSV column), or digits of the number. */
  q?: string | undefined;
}

export const RECIPIENT_COLUMNS = sql`id, blast_id, phone_number, status, message_id, attempts, last_error, variables,
  message_c2s_timestamp, sent_at, delivered_at, read_at, replied_at, closed_at, failed_at, close_outcome, close_note, device`;

export function recipientWhere(f: RecipientFilter): SQL {
  const parts: SQL[] = [sql`blast_id = ${f.blastId}`];
  if (f.statuses?.length) parts.push(sql`status = ANY(${textArray(f.statuses)})`);
  const digits = f.phone?.replace(/\D/g, '');
  // Digits only, so no LIKE wildcard can come from the user.
  if (digits) parts.push(sql`phone_number LIKE ${`%${digits}%`}`);
  const q = f.q?.trim();
  if (q) {
    const ors: SQL[] = [sql`EXISTS (SELECT 1 FROM jsonb_each_text(variables) AS v WHERE v.value ILIKE ${containsPattern(q)})`];
    const digits = phoneDigitsPattern(q);
    if (digits) ors.push(sql`phone_number LIKE ${digits}`);
    parts.push(sql`(${sql.join(ors, sql` OR `)})`);
  }
  return sql.join(parts, sql` AND `);
}

export async function listRecipients(
  db: Db,
  f: RecipientFilter,
  page: { limit: number; offset: number },
): Promise<{ recipients: RecipientListItem[]; total: number; limit: number; offset: number }> {
  const where = recipientWhere(f);
  // The page first, then its replies and opt-outs: the lateral lookups run for one page of rows
  // (inbound_messages_recipient_idx, the opt_outs key), never for the whole blast.
  const found = await rows<
    RecipientRow & { last_reply: string | null; last_reply_at: string | null; reply_count: number | null; opted_out: boolean }
  >(
    db,
    sql`SELECT p.*, lr.text AS last_reply, lr.received_at AS last_reply_at, lr.n AS reply_count,
               EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = p.phone_number) AS opted_out
        FROM (SELECT ${RECIPIENT_COLUMNS} FROM blast_recipients WHERE ${where} ORDER BY id LIMIT ${page.limit} OFFSET ${page.offset}) AS p
        LEFT JOIN LATERAL (
          SELECT i.text, i.received_at, count(*) OVER ()::int AS n FROM inbound_messages i
          WHERE i.recipient_id = p.id ORDER BY i.received_at DESC, i.id DESC LIMIT 1
        ) AS lr ON true
        ORDER BY p.id`,
  );
  const [count] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM blast_recipients WHERE ${where}`);
  return {
    recipients: found.map(({ last_reply, last_reply_at, reply_count, opted_out, ...r }) => ({
      ...toRecipientView(r),
      last_reply,
      last_reply_at: isoTime(last_reply_at),
      reply_count: reply_count ?? 0,
      opted_out,
    })),
    total: count!.n,
    ...page,
  };
}

/**
 * Every variable name among the matching recipients, in order of first appearance: the CSV
 * export's extra columns. Taken over all of them, not the first chunk, so a name that only later
 * rows carry still gets its column.
 */
export async function variableNames(db: Db, f: RecipientFilter): Promise<string[]> {
  const found = await rows<{ k: string }>(
    db,
    sql`SELECT k FROM blast_recipients, jsonb_object_keys(variables) AS k WHERE ${recipientWhere(f)} GROUP BY k ORDER BY min(id), k`,
  );
  return found.map((r) => r.k);
}

export type RecipientRow = Omit<
  RecipientView,
  'failure_code' | 'failure_reason' | 'sent_at' | 'delivered_at' | 'read_at' | 'replied_at' | 'closed_at' | 'failed_at'
> &
  Record<'sent_at' | 'delivered_at' | 'read_at' | 'replied_at' | 'closed_at' | 'failed_at', string | null>;

export function toRecipientView(r: RecipientRow): RecipientView {
  const failure = failureReason(r.last_error, r.status);
  return {
    ...r,
    failure_code: failure?.code ?? null,
    failure_reason: failure?.text ?? null,
    sent_at: isoTime(r.sent_at),
    delivered_at: isoTime(r.delivered_at),
    read_at: isoTime(r.read_at),
    replied_at: isoTime(r.replied_at),
    closed_at: isoTime(r.closed_at),
    failed_at: isoTime(r.failed_at),
  };
}
