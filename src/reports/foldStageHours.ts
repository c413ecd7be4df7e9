import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';

// Any constant; only one fold runs at a time across all processes.
const FOLD_LOCK_KEY = 0x77_61_62_68; // 'wabh'

/**
 * Folds the stage-hour deltas the trigger appended (migration 0007) into one row per
 * (blast, hour), for up to `maxBlasts` blasts with fresh ones, in one statement — the same
 * snapshot argument as foldStatusCounts (blasts/statusCounts.ts): a delta committed meanwhile is
 * neither deleted nor summed, and a reader sees the deltas or their sum, never both.
 */
export async function foldStageHours(db: Db, maxBlasts = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = await rows<{ ok: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${FOLD_LOCK_KEY}) AS ok`);
    if (!lock?.ok) return 0;
    const folded = await rows<{ blast_id: number }>(
      tx,
      sql`WITH todo AS (
            SELECT DISTINCT blast_id FROM blast_stage_hours WHERE NOT folded LIMIT ${maxBlasts}
          ), gone AS (
            DELETE FROM blast_stage_hours h USING todo WHERE h.blast_id = todo.blast_id
            RETURNING h.blast_id, h.hour, h.sent, h.received, h.read, h.replied, h.closed
          ), sums AS (
            INSERT INTO blast_stage_hours (blast_id, hour, sent, received, read, replied, closed, folded)
            SELECT blast_id, hour, sum(sent), sum(received), sum(read), sum(replied), sum(closed), true
            FROM gone
            GROUP BY blast_id, hour
            HAVING sum(sent) <> 0 OR sum(received) <> 0 OR sum(read) <> 0 OR sum(replied) <> 0 OR sum(closed) <> 0
          )
          SELECT blast_id FROM todo`,
    );
    return folded.length;
  });
}
