import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';

// Any constant; only one fold runs at a time across all processes.
const FOLD_LOCK_KEY = 0x77_61_62_68; // 'wabh'

/**
 * Folds the stage-hour deltas the trigger appended (migration 0007) into one row per
 * (blast, hour, stage), for up to `maxBlasts` blasts with fresh ones, in one statement — the same
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
            RETURNING h.blast_id, h.hour, h.stage, h.n
          ), sums AS (
            INSERT INTO blast_stage_hours (blast_id, hour, stage, n, folded)
            SELECT blast_id, hour, stage, sum(n), true
            FROM gone
            GROUP BY blast_id, hour, stage
            HAVING sum(n) <> 0
          )
          SELECT blast_id FROM todo`,
    );
    return folded.length;
  });
}
