import { sql } from 'drizzle-orm';
import { affected, type Db, rows } from '../db/client.ts';

/** The recipient columns an archive file keeps, in file order: what a later audit or re-import needs. */
export const ARCHIVE_COLUMNS = [
  'id',
  'phone_number',
  'variables',
  'message_id',
  'status',
  'attempts',
  'last_error',
  'queued_at',
  'sent_at',
  'delivered_at',
  'read_at',
  'replied_at',
  'closed_at',
  'failed_at',
  'close_outcome',
  'close_note',
] as const;
export type ArchivedRow = Record<(typeof ARCHIVE_COLUMNS)[number], unknown>;

export interface ArchiveCandidate {
  id: number;
  archived_at: string | null;
  archive_file: string | null;
}

/**
 * Blasts whose recipients may go: finished (completed or cancelled, so nothing will send, claim or
 * follow up on them again from the engine) before `before`, and not yet emptied. A blast archived
 * by a run that stopped half-way still has rows and is picked up again to finish its deletion.
 */
export function archiveCandidates(db: Db, before: Date): Promise<ArchiveCandidate[]> {
  return rows<ArchiveCandidate>(
    db,
    sql`SELECT id, archived_at, archive_file FROM blasts
        WHERE state IN ('completed', 'cancelled') AND coalesce(completed_at, created_at) < ${before.toISOString()}
          AND (archived_at IS NULL OR EXISTS (SELECT 1 FROM blast_recipients r WHERE r.blast_id = blasts.id))
        ORDER BY id`,
  );
}

/** One page of a blast's recipients after `afterId`, in id order (keyset: each page is an index range read). */
export function recipientPage(db: Db, blastId: number, afterId: number, limit: number): Promise<ArchivedRow[]> {
  return rows<ArchivedRow>(
    db,
    sql`SELECT id, phone_number, variables::text AS variables, message_id, status, attempts, last_error,
               queued_at, sent_at, delivered_at, read_at, replied_at, closed_at, failed_at, close_outcome, close_note
        FROM blast_recipients WHERE blast_id = ${blastId} AND id > ${afterId} ORDER BY id LIMIT ${limit}`,
  );
}

/** Records that the blast's file is complete, before any of its rows is deleted (see migration 0008). */
export async function markArchived(db: Db, blastId: number, file: string): Promise<void> {
  await db.execute(sql`UPDATE blasts SET archived_at = now(), archive_file = ${file} WHERE id = ${blastId}`);
}

/**
 * Deletes up to `limit` of an archived blast's recipients, keeping the report's counters: the
 * DELETE triggers skip a transaction that set wablast.archiving. Chunks keep each transaction (and
 * its transition table) small, so webhooks and sends of live blasts are not held up.
 */
export function deleteArchivedChunk(db: Db, blastId: number, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('wablast.archiving', 'on', true)`);
    return affected(
      tx,
      sql`DELETE FROM blast_recipients WHERE id IN (
            SELECT id FROM blast_recipients WHERE blast_id = ${blastId} ORDER BY id LIMIT ${limit})`,
    );
  });
}
