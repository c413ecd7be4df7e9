import { sql } from 'drizzle-orm';
import { FINAL_STATES } from '../blasts/blastStates.ts';
import { type Db, affected } from '../db/client.ts';
import { textArray } from '../db/statusSql.ts';

/**
 * Sticky sender: remembers which device first messaged each of these recipients' phones, in the
 * transaction that records the send (accepted, or possibly sent: UNCERTAIN), so a later blast or
 * follow-up sends from the same number. The first sender wins (ON CONFLICT DO NOTHING).
 *
 * A phone newly remembered is also assigned, in every unfinished blast whose pool holds that
 * device, where it still waits unassigned: otherwise another pool device could take it first. Rows
 * are matched on their snapshot status QUEUED, so a row another sender claimed meanwhile is left
 * alone and no lock is waited on in a cycle.
 */
export async function recordSenders(tx: Db, recipientIds: readonly number[]): Promise<void> {
  if (recipientIds.length === 0) return;
  await tx.execute(
    sql`WITH sent AS (
          SELECT DISTINCT ON (r.phone_number) r.phone_number, r.device, coalesce(r.sent_at, now()) AS at
          FROM blast_recipients r
          WHERE r.id IN (SELECT json_array_elements_text(${JSON.stringify(recipientIds)}::json)::bigint) AND r.device IS NOT NULL
          ORDER BY r.phone_number, r.id
        ),
        fresh AS (
          INSERT INTO phone_senders (phone_number, device, first_sent_at)
          SELECT phone_number, device, at FROM sent
          ON CONFLICT (phone_number) DO NOTHING
          RETURNING phone_number, device
        )
        UPDATE blast_recipients r SET device = fresh.device
        FROM fresh, blasts b
        WHERE r.phone_number = fresh.phone_number AND r.device IS NULL AND r.status = 'QUEUED'
          AND b.id = r.blast_id AND b.state <> ALL(${textArray(FINAL_STATES)})
          AND EXISTS (SELECT 1 FROM blast_devices bd WHERE bd.blast_id = r.blast_id AND bd.device = fresh.device)`,
  );
}

/**
 * Assigns a new blast's recipients to the device that first messaged them, when that device is in
 * the blast's pool and not disabled. The rest stay unassigned: new phones, for the pool rule.
 */
export async function assignStickySenders(tx: Db, blastId: number): Promise<void> {
  await tx.execute(
    sql`UPDATE blast_recipients r SET device = ps.device
        FROM phone_senders ps, blast_devices bd
        WHERE r.blast_id = ${blastId} AND ps.phone_number = r.phone_number
          AND bd.blast_id = r.blast_id AND bd.device = ps.device
          AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = ps.device AND NOT d.enabled)`,
  );
}

/**
 * A device was disabled (taken out of service): its queued recipients were never sent by it in
 * these blasts, so they become new phones for the rest of their pools. Already-sent ones stay its.
 */
export async function releaseQueued(db: Db, device: string): Promise<number> {
  return affected(db, sql`UPDATE blast_recipients SET device = NULL WHERE device = ${device} AND status = 'QUEUED'`);
}
