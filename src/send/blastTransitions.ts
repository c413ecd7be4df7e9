import { sql } from 'drizzle-orm';
import { BLAST_TRANSITIONS } from '../blasts/blastStates.ts';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { statusIn, textArray } from '../db/statusSql.ts';
import { UNFINISHED } from '../domain/status.ts';

/** Scheduled blasts whose time has come start sending. */
export async function startDueBlasts(db: Db): Promise<number[]> {
  const started = await rows<{ id: number }>(
    db,
    sql`UPDATE blasts SET state = 'sending', started_at = coalesce(started_at, now())
        WHERE state = ANY(${textArray(BLAST_TRANSITIONS.start.from)}) AND scheduled_at <= now()
        RETURNING id`,
  );
  return started.map((r) => r.id);
}

/**
 * A sending blast is completed when nothing is queued (retries waiting out a backoff count as
 * queued) and nothing is in flight. The NOT EXISTS probes the (blast_id, status) index.
 */
export async function completeFinishedBlasts(db: Db): Promise<number[]> {
  const done = await rows<{ id: number }>(
    db,
    sql`UPDATE blasts b SET state = 'completed', completed_at = now()
        WHERE b.state = ANY(${textArray(BLAST_TRANSITIONS.complete.from)})
          AND NOT EXISTS (SELECT 1 FROM blast_recipients r WHERE r.blast_id = b.id AND ${statusIn(UNFINISHED, 'r.status')})
        RETURNING id`,
  );
  return done.map((r) => r.id);
}

/** Devices in the sender pool of a blast sending now. */
export async function devicesWithWork(db: Db): Promise<string[]> {
  const found = await rows<{ device: string }>(
    db,
    sql`SELECT DISTINCT bd.device FROM blasts b JOIN blast_devices bd ON bd.blast_id = b.id WHERE b.state = 'sending'`,
  );
  return found.map((r) => r.device);
}
