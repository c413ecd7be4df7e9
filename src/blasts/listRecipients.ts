import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { Status } from '../domain/status.ts';
import { isoTime } from '../util/pgTime.ts';

export interface RecipientView {
  id: number;
  blast_id: number;
  phone_number: string;
  status: Status;
  message_id: string | null;
  attempts: number;
  last_error: string | null;
  variables: Record<string, string>;
  message_c2s_timestamp: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  failed_at: string | null;
  close_outcome: string | null;
  close_note: string | null;
  /** The device it went (or will go) out from; null while a new phone waits for the pool to pick one. */
  device: string | null;
}

export interface RecipientFilter {
  blastId: number;
  statuses?: Status[] | undefined;
  /** Digits to look for anywhere in the number. */
  phone?: string | undefined;
}

export const RECIPIENT_COLUMNS = sql`id, blast_id, phone_number, status, message_id, attempts, last_error, variables,
  message_c2s_timestamp, sent_at, delivered_at, read_at, replied_at, closed_at, failed_at, close_outcome, close_note, device`;

export function recipientWhere(f: RecipientFilter): SQL {
  const parts: SQL[] = [sql`blast_id = ${f.blastId}`];
  if (f.statuses?.length) parts.push(sql`status = ANY(${`{${f.statuses.join(',')}}`}::text[])`);
  const digits = f.phone?.replace(/\D/g, '');
  // Digits only, so no LIKE wildcard can come from the user.
  if (digits) parts.push(sql`phone_number LIKE ${`%${digits}%`}`);
  return sql.join(parts, sql` AND `);
}

export async function listRecipients(
  db: Db,
  f: RecipientFilter,
  page: { limit: number; offset: number },
): Promise<{ recipients: RecipientView[]; total: number; limit: number; offset: number }> {
  const where = recipientWhere(f);
  const found = await rows<RecipientRow>(
    db,
    sql`SELECT ${RECIPIENT_COLUMNS} FROM blast_recipients WHERE ${where} ORDER BY id LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const [count] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM blast_recipients WHERE ${where}`);
  return { recipients: found.map(toRecipientView), total: count!.n, ...page };
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

/** Every matching recipient, in id order, a chunk at a time (keyset pagination keeps memory flat). */
export async function* iterateRecipients(db: Db, f: RecipientFilter, chunk = 5000): AsyncGenerator<RecipientView[]> {
  let after = 0;
  for (;;) {
    const found = await rows<RecipientRow>(
      db,
      sql`SELECT ${RECIPIENT_COLUMNS} FROM blast_recipients WHERE ${recipientWhere(f)} AND id > ${after} ORDER BY id LIMIT ${chunk}`,
    );
    if (found.length === 0) return;
    yield found.map(toRecipientView);
    after = found[found.length - 1]!.id;
  }
}

export type RecipientRow = Omit<RecipientView, 'sent_at' | 'delivered_at' | 'read_at' | 'replied_at' | 'closed_at' | 'failed_at'> &
  Record<'sent_at' | 'delivered_at' | 'read_at' | 'replied_at' | 'closed_at' | 'failed_at', string | null>;

export function toRecipientView(r: RecipientRow): RecipientView {
  return {
    ...r,
    sent_at: isoTime(r.sent_at),
    delivered_at: isoTime(r.delivered_at),
    read_at: isoTime(r.read_at),
    replied_at: isoTime(r.replied_at),
    closed_at: isoTime(r.closed_at),
    failed_at: isoTime(r.failed_at),
  };
}
