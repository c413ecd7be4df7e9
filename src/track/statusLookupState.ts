import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { LOOKUP_REPROBE_MS } from '../domain/lookupAvailability.ts';
import { isoTime } from '../util/pgTime.ts';

export interface LookupState {
  available: boolean;
  reason: string | null;
  since: string | null;
}

/** Whether the gateway answers status lookups, as every process sees it (one row, migration 0003). */
export async function readLookupState(db: Db): Promise<LookupState> {
  const [row] = await rows<{ available: boolean; reason: string | null; since: string | null }>(
    db,
    sql`SELECT available, reason, since FROM status_lookup WHERE id = 1`,
  );
  return row ? { ...row, since: isoTime(row.since) } : { available: true, reason: null, since: null };
}

/** Lookups stop until the next probe (the first reason is kept). True for the one caller that turned them off (it logs it). */
export async function markLookupUnavailable(db: Db, reason: string): Promise<boolean> {
  const [row] = await rows<{ was_available: boolean }>(
    db,
    sql`WITH before AS (SELECT available FROM status_lookup WHERE id = 1 FOR UPDATE)
        UPDATE status_lookup SET available = false,
          reason = CASE WHEN before.available THEN ${reason.slice(0, 300)} ELSE status_lookup.reason END,
          since = CASE WHEN before.available THEN now() ELSE status_lookup.since END,
          next_probe_at = now() + ${LOOKUP_REPROBE_MS} * interval '1 millisecond'
        FROM before WHERE status_lookup.id = 1
        RETURNING before.available AS was_available`,
  );
  return row?.was_available ?? false;
}

/** A lookup answered with a status. True for the one caller that turned them back on. */
export async function markLookupAvailable(db: Db): Promise<boolean> {
  const changed = await rows<{ id: number }>(
    db,
    sql`UPDATE status_lookup SET available = true, reason = NULL, since = now(), next_probe_at = NULL
        WHERE id = 1 AND NOT available RETURNING id`,
  );
  return changed.length > 0;
}

/** Takes the rare re-probe of unavailable lookups: true for exactly one process once it is due. */
export async function claimLookupProbe(db: Db): Promise<boolean> {
  const taken = await rows<{ id: number }>(
    db,
    sql`UPDATE status_lookup SET next_probe_at = now() + ${LOOKUP_REPROBE_MS} * interval '1 millisecond'
        WHERE id = 1 AND NOT available AND (next_probe_at IS NULL OR next_probe_at <= now()) RETURNING id`,
  );
  return taken.length > 0;
}
