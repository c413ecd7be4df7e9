import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

/**
 * The gateway refused our API key: every recipient would fail the same way, so the blast is
 * paused with the reason for a person to fix the key and resume, and no recipient is burned.
 */
export async function pauseBlastForAuth(db: Db, blastId: number, reason: string): Promise<void> {
  await db.execute(
    sql`UPDATE blasts SET state = 'paused', last_error = ${`gateway refused our credentials: ${reason}`}
        WHERE id = ${blastId} AND state = 'sending'`,
  );
}
