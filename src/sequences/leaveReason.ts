import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { affected } from '../db/client.ts';
import { bigintArray, statusIn } from '../db/statusSql.ts';

/**
 * Why a member leaves the sequence now, as one SQL CASE (null: they stay), the order of
 * domain/sequence.ts LEAVE_REASONS. `phone` is their number, `cur` the row of the last message
 * the sequence sent them, `root` their row of the root blast (SQL aliases of blast_recipients).
 *
 * A reply counts wherever it landed: on any row of the chain (replied_at), or as an inbound
 * message from the number since the root message was sent — a reply the inbox linked to another
 * blast sent to them later still means they answered us.
 */
export function leaveReasonSql(phone: SQL, cur: string, root: string): SQL {
  const c = sql.raw(cur);
  const r = sql.raw(root);
  return sql`CASE
    WHEN EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = ${phone}) THEN 'opted_out'
    WHEN ${statusIn(['CLOSED'], `${cur}.status`)} OR ${statusIn(['CLOSED'], `${root}.status`)} THEN 'closed'
    WHEN ${c}.replied_at IS NOT NULL OR ${r}.replied_at IS NOT NULL
      OR (${r}.sent_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM inbound_messages i WHERE i.phone_number = ${phone} AND i.received_at >= ${r}.sent_at)) THEN 'replied'
    WHEN ${statusIn(['FAILED'], `${cur}.status`)} THEN 'failed'
    WHEN ${statusIn(['UNCERTAIN'], `${cur}.status`)} THEN 'uncertain'
    WHEN ${statusIn(['SKIPPED'], `${cur}.status`)} THEN 'skipped'
  END`;
}

/**
 * Records, for good, the members of these sequences who have left since the last look. Run in
 * the transaction that creates a step (so a step sees exactly who is still in at that moment) and
 * periodically by the scheduler (so the counts the API shows stay fresh). Leaving is permanent:
 * a FAILED message resent later does not bring a member back.
 */
export async function recordLeavers(db: Db, sequenceIds: readonly number[]): Promise<number> {
  if (sequenceIds.length === 0) return 0;
  return affected(
    db,
    sql`UPDATE sequence_members m SET left_at = now(), left_reason = x.reason
        FROM (
          SELECT m2.id, ${leaveReasonSql(sql`m2.phone_number`, 'cur', 'root')} AS reason
          FROM sequence_members m2
          JOIN blast_recipients cur ON cur.id = m2.current_recipient_id
          JOIN blast_recipients root ON root.id = m2.root_recipient_id
          WHERE m2.left_at IS NULL AND m2.sequence_id = ANY(${bigintArray(sequenceIds)})
        ) x
        WHERE m.id = x.id AND x.reason IS NOT NULL`,
  );
}
