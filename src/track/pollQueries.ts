import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { statusIn } from '../db/statusSql.ts';
import { POLL_OFFSETS_S } from '../domain/pollSchedule.ts';
import { POLLABLE } from '../domain/status.ts';

/** A message to ask the gateway about, and through which device (the recipient's, else the blast's). */
export interface DuePoll {
  id: number;
  blast_id: number;
  message_id: string;
  device: string;
  phone_number: string;
}

/** domain/pollSchedule's offsets as one PostgreSQL array literal, bound as a parameter. */
const OFFSETS = `{${POLL_OFFSETS_S.join(',')}}`;

/**
 * Takes up to `limit` messages whose next poll is due, oldest due first, and reschedules them in
 * the same statement. FOR UPDATE SKIP LOCKED: several processes polling at once each take
 * different rows and never wait on one another; since taking a row moves its next_poll_at, a
 * message is asked about once per step whichever process takes it. The next step is offset
 * number poll_count + 1 after sent_at (the array is 1-based, hence + 2); past the last offset it is
 * NULL: polling is over for that message and it leaves the partial index (blast_recipients_poll_idx)
 * the ORDER BY walks.
 */
export async function takeDuePolls(db: Db, limit: number): Promise<DuePoll[]> {
  return rows<DuePoll>(
    db,
    sql`WITH due AS (
          SELECT r.id FROM blast_recipients r
          WHERE r.next_poll_at <= now() AND ${statusIn(POLLABLE, 'r.status')} AND r.message_id IS NOT NULL
          ORDER BY r.next_poll_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE blast_recipients r SET
          poll_count = r.poll_count + 1,
          next_poll_at = r.sent_at + (${OFFSETS}::int[])[r.poll_count + 2] * interval '1 second'
        FROM due, blasts b
        WHERE r.id = due.id AND b.id = r.blast_id
        RETURNING r.id, r.blast_id, r.message_id, coalesce(r.device, b.device) AS device, r.phone_number`,
  );
}

/**
 * Every recipient of one blast a lookup can still move (POST /api/blasts/:id/check-status), in
 * recipient order, whatever their schedule. A plain read: the schedule is left as it is.
 */
export async function pollableOfBlast(db: Db, blastId: number): Promise<DuePoll[]> {
  return rows<DuePoll>(
    db,
    sql`SELECT r.id, r.blast_id, r.message_id, coalesce(r.device, b.device) AS device, r.phone_number
        FROM blast_recipients r JOIN blasts b ON b.id = r.blast_id
        WHERE r.blast_id = ${blastId} AND ${statusIn(POLLABLE, 'r.status')} AND r.message_id IS NOT NULL
        ORDER BY r.id`,
  );
}
