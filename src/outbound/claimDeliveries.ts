import { sql } from 'drizzle-orm';
import { type Db, rows } from '../db/client.ts';
import { ROTATION_GRACE_HOURS } from './endpointSecret.ts';

export interface ClaimedDelivery {
  id: string;
  endpoint_id: number;
  payload: unknown;
  /** This attempt's number, 1-based. */
  attempts: number;
  /** Milliseconds since retrying started (creation or a redelivery), by the database clock. */
  age_ms: number;
  url: string;
  /** The secrets to sign with: the current one, and the previous one during its grace period. */
  secrets: string[];
}

/**
 * Takes up to `limit` due deliveries of enabled endpoints and reserves them for `leaseMs` (a
 * worker killed mid-request loses its reservation, and the delivery goes out again with the same
 * id). Only the oldest pending delivery of each (endpoint, ordering key) is due, so the events of
 * one recipient reach an endpoint in order. SKIP LOCKED lets several engines claim side by side;
 * a delivery another engine just reserved is re-checked and skipped. Oldest due first, walking
 * the due index so a large backlog is not sorted on every claim.
 */
export async function claimDeliveries(db: Db, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return rows<ClaimedDelivery>(
    db,
    sql`WITH due AS (
          SELECT d.id FROM webhook_deliveries d
          JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.delivered_at IS NULL AND d.given_up_at IS NULL AND d.next_attempt_at <= now() AND e.enabled
            AND NOT EXISTS (
              SELECT 1 FROM webhook_deliveries p
              WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key AND p.seq < d.seq
                AND p.delivered_at IS NULL AND p.given_up_at IS NULL)
          ORDER BY d.next_attempt_at
          LIMIT ${limit}
          FOR UPDATE OF d SKIP LOCKED
        )
        UPDATE webhook_deliveries w
        SET attempts = w.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
        FROM due, webhook_endpoints e
        WHERE w.id = due.id AND e.id = w.endpoint_id
        RETURNING w.id, w.endpoint_id, w.payload, w.attempts,
                  (extract(epoch FROM now() - w.retry_from) * 1000)::float8 AS age_ms, e.url,
                  CASE WHEN e.previous_secret IS NOT NULL AND e.rotated_at > now() - ${ROTATION_GRACE_HOURS} * interval '1 hour'
                       THEN ARRAY[e.secret, e.previous_secret] ELSE ARRAY[e.secret] END AS secrets`,
  );
}
