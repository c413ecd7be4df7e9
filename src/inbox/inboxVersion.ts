import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';

/**
 * A cheap fingerprint of what the inbox shows: the newest reply, and the closes (the CLOSED
 * counter and the newest closed-counter delta, so a close followed by a reopen still changes it).
 * Read by the live feed; two equal fingerprints mean nothing a reader needs to fetch again.
 */
export async function inboxVersion(db: Db): Promise<{ latest_reply_id: number; closed: number; close_change: number }> {
  const [v] = await rows<{ latest_reply_id: number | null; closed: number | null; close_change: number | null }>(
    db,
    sql`SELECT (SELECT max(id) FROM inbound_messages)::float8 AS latest_reply_id,
               (SELECT sum(n) FROM blast_status_counts WHERE status = 'CLOSED')::float8 AS closed,
               (SELECT max(id) FROM blast_status_counts WHERE status = 'CLOSED' AND NOT folded)::float8 AS close_change`,
  );
  return { latest_reply_id: v?.latest_reply_id ?? 0, closed: v?.closed ?? 0, close_change: v?.close_change ?? 0 };
}
