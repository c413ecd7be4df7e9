import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';

export interface Claimed {
  id: number;
  blast_id: number;
  phone_number: string;
  variables: Record<string, string>;
  attempts: number;
  message: string;
  opted_out: boolean;
}

/**
 * Claims the next `limit` recipients of this device's sending blasts — oldest blast first, then
 * in recipient order — and marks them SENDING, owned by `owner`, in one statement.
 *
 * FOR UPDATE SKIP LOCKED lets any number of senders run this at once: each row goes to exactly one
 * of them and nobody waits on another's lock. Only what is about to be sent is claimed (the caller
 * asks for as many as its token bucket allows right now), so a crash leaves at most the in-flight
 * requests in SENDING. Rows waiting out a retry backoff are not yet due.
 */
export async function claimRecipients(
  db: Db,
  device: string,
  owner: string,
  limit: number,
  opts: { leased?: boolean } = {},
): Promise<Claimed[]> {
  if (limit <= 0) return [];
  // The lease is re-checked inside the claim itself: an engine frozen between its last renewal
  // and this statement (GC pause, SIGSTOP) claims nothing once another engine has the device.
  // An uncorrelated EXISTS, so Postgres evaluates it once per statement, not per row.
  const leaseHeld =
    opts.leased === false
      ? sql`true`
      : sql`EXISTS (SELECT 1 FROM devices d WHERE d.id = ${device} AND d.lease_owner = ${owner} AND d.lease_expires_at > now())`;
  return rows<Claimed>(
    db,
    sql`WITH next AS (
          SELECT r.id, b.message
          FROM blast_recipients r
          JOIN blasts b ON b.id = r.blast_id
          WHERE b.state = 'sending' AND b.device = ${device}
            AND r.status = 'QUEUED'
            AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= now())
            AND ${leaseHeld}
          ORDER BY r.blast_id, r.id
          LIMIT ${limit}
          FOR UPDATE OF r SKIP LOCKED
        )
        UPDATE blast_recipients r
        SET status = 'SENDING', claimed_by = ${owner}, claimed_at = now()
        FROM next
        WHERE r.id = next.id
        RETURNING r.id, r.blast_id, r.phone_number, r.variables, r.attempts, next.message,
                  EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = r.phone_number) AS opted_out`,
  );
}
