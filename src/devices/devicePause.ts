import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { holdReason } from '../send/deviceHold.ts';

/**
 * Pauses a device: it sends nothing — its own recipients wait, new phones go to the rest of their
 * pools — until a person resumes it. By hand, or by the health check. True when it was running.
 */
export async function pauseDevice(db: Db, device: string, reason: string): Promise<boolean> {
  const paused = await rows<{ id: string }>(
    db,
    sql`UPDATE devices SET paused_at = now(), paused_reason = ${holdReason(reason)}
        WHERE id = ${device} AND paused_at IS NULL RETURNING id`,
  );
  return paused.length > 0;
}

/**
 * Ends a pause and a hold. The error rate starts a fresh window: the sends that paused the device
 * are a person's to judge, and counting them again would pause it at once.
 */
export async function resumeDevice(db: Db, device: string): Promise<{ wasPaused: boolean; wasHeld: boolean }> {
  const [row] = await rows<{ was_paused: boolean; was_held: boolean }>(
    db,
    sql`WITH before AS (SELECT paused_at IS NOT NULL AS was_paused, hold_kind IS NOT NULL AS was_held FROM devices WHERE id = ${device} FOR UPDATE)
        UPDATE devices SET paused_at = NULL, paused_reason = NULL,
          health_since = CASE WHEN before.was_paused THEN now() ELSE devices.health_since END,
          hold_kind = NULL, hold_reason = NULL, held_since = NULL, held_until = NULL, hold_backoff_ms = NULL, hold_probes = 0
        FROM before WHERE devices.id = ${device}
        RETURNING before.was_paused, before.was_held`,
  );
  return { wasPaused: row?.was_paused ?? false, wasHeld: row?.was_held ?? false };
}
