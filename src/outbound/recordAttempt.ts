import { sql } from 'drizzle-orm';
import { type Db, rows } from '../db/client.ts';

/** A 2xx: the delivery is done and its endpoint is healthy again. */
export async function recordDelivered(db: Db, id: string, endpointId: number, statusCode: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`UPDATE webhook_deliveries SET delivered_at = now(), last_status_code = ${statusCode}, last_error = NULL
          WHERE id = ${id} AND delivered_at IS NULL`,
    );
    await tx.execute(sql`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ${endpointId} AND failing_since IS NOT NULL`);
  });
}

export interface FailedAttempt {
  statusCode: number | null;
  error: string;
  /** Milliseconds until the next attempt, or null to give up. */
  retryInMs: number | null;
}

/**
 * A failed attempt: schedule the next one or give up, and mark the endpoint failing (from its
 * first failure since the last success). Returns how long the endpoint has been failing.
 */
export async function recordFailed(db: Db, id: string, endpointId: number, f: FailedAttempt): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`UPDATE webhook_deliveries
          SET last_status_code = ${f.statusCode}, last_error = ${f.error},
              next_attempt_at = CASE WHEN ${f.retryInMs}::int IS NULL THEN next_attempt_at ELSE now() + ${f.retryInMs}::int * interval '1 millisecond' END,
              given_up_at = CASE WHEN ${f.retryInMs}::int IS NULL THEN now() END
          WHERE id = ${id} AND delivered_at IS NULL`,
    );
    const [e] = await rows<{ failing_ms: number }>(
      tx,
      sql`UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()) WHERE id = ${endpointId}
          RETURNING (extract(epoch FROM now() - failing_since) * 1000)::float8 AS failing_ms`,
    );
    return e?.failing_ms ?? 0;
  });
}

/** Stops deliveries to an endpoint that keeps failing; its pending deliveries wait for it to be enabled again. */
export async function disableEndpoint(db: Db, endpointId: number, reason: string): Promise<void> {
  await db.execute(sql`UPDATE webhook_endpoints SET enabled = false, disabled_reason = ${reason} WHERE id = ${endpointId} AND enabled`);
}
