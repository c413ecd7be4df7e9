import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';

// Any constant; only one fold runs at a time across all processes.
const FOLD_LOCK_KEY = 0x77_61_62_66; // 'wabf'

/**
 * Folds the deltas the trigger appended (migration 0002) into one row per (blast, status), for up
 * to `maxBlasts` blasts that have fresh ones, in one statement. Returns how many blasts it folded.
 *
 * Safe next to writers: the DELETE and the INSERT share one snapshot, so a delta committed
 * meanwhile is neither deleted nor summed — it stays for the next fold — and a reader sees either
 * all the deltas or their sum, never both (one transaction). A transaction-scoped try-lock keeps two
 * engines from folding the same rows at once (the second skips its turn rather than wait).
 */
export async function foldStatusCounts(db: Db, maxBlasts = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = await rows<{ ok: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${FOLD_LOCK_KEY}) AS ok`);
    if (!lock?.ok) return 0;
    const folded = await rows<{ blast_id: number }>(
      tx,
      sql`WITH todo AS (
            SELECT DISTINCT blast_id FROM blast_status_counts WHERE NOT folded LIMIT ${maxBlasts}
          ), gone AS (
            DELETE FROM blast_status_counts c USING todo WHERE c.blast_id = todo.blast_id
            RETURNING c.blast_id, c.status, c.n, c.deliver_seconds, c.deliver_n, c.read_seconds, c.read_n
          ), sums AS (
            INSERT INTO blast_status_counts (blast_id, status, n, deliver_seconds, deliver_n, read_seconds, read_n, folded)
            SELECT blast_id, status, sum(n), sum(deliver_seconds), sum(deliver_n), sum(read_seconds), sum(read_n), true
            FROM gone
            GROUP BY blast_id, status
            -- A status nobody holds any more needs no row.
            HAVING sum(n) <> 0 OR sum(deliver_n) <> 0 OR sum(read_n) <> 0
          )
          SELECT blast_id FROM todo`,
    );
    return folded.length;
  });
}
