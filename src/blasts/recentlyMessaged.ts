import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { RecentlyMessaged } from '../api/contract.ts';
import { statusIn } from '../db/statusSql.ts';
import { UNFINISHED } from '../domain/status.ts';

export type { RecentlyMessaged };

/**
 * The review step's warning before sending (issue 16): a blast re-run by mistake reaches the same
 * people twice. Counts distinct numbers, each once, however many blasts reached it. "Queued in a
 * live blast" counts too: a second run while the first is still sending is the likeliest mistake.
 * Same text compares the template, which renders the same for the same person.
 */
export async function recentlyMessaged(db: Db, phones: readonly string[], message: string): Promise<RecentlyMessaged> {
  if (phones.length === 0) return { count: 0, same_text: 0 };
  // blast_recipients_phone_idx (phone_number, sent_at) finds each number's recent sends.
  const [found] = await rows<RecentlyMessaged>(
    db,
    sql`SELECT count(DISTINCT r.phone_number)::int AS count,
               count(DISTINCT r.phone_number) FILTER (WHERE b.message = ${message})::int AS same_text
        FROM json_array_elements_text(${JSON.stringify(phones)}::json) AS p(phone)
        JOIN blast_recipients r ON r.phone_number = p.phone
        JOIN blasts b ON b.id = r.blast_id
        WHERE r.sent_at > now() - interval '24 hours'
           OR (${statusIn(UNFINISHED, 'r.status')} AND b.state IN ('scheduled', 'sending', 'paused'))`,
  );
  return found ?? { count: 0, same_text: 0 };
}
