import { sql } from 'drizzle-orm';
import { type Db, affected, rows } from '../db/client.ts';
import { isoTime } from '../util/pgTime.ts';

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

interface DeliveryRow {
  id: string;
  type: string;
  payload: unknown;
  attempts: number;
  next_attempt_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
  given_up_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
}

const stateSql = (s: DeliveryState) =>
  s === 'delivered'
    ? sql`delivered_at IS NOT NULL`
    : s === 'failed'
      ? sql`given_up_at IS NOT NULL`
      : sql`delivered_at IS NULL AND given_up_at IS NULL`;

const view = (d: DeliveryRow) => ({
  id: d.id,
  type: d.type,
  status: (d.delivered_at ? 'delivered' : d.given_up_at ? 'failed' : 'pending') as DeliveryState,
  attempts: d.attempts,
  last_status_code: d.last_status_code,
  last_error: d.last_error,
  next_attempt_at: d.delivered_at || d.given_up_at ? null : isoTime(d.next_attempt_at),
  last_attempt_at: isoTime(d.last_attempt_at),
  delivered_at: isoTime(d.delivered_at),
  created_at: isoTime(d.created_at),
  payload: d.payload,
});

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(db: Db, endpointId: number, q: { status?: DeliveryState | undefined; limit: number; offset: number }) {
  const where = q.status ? sql`endpoint_id = ${endpointId} AND ${stateSql(q.status)}` : sql`endpoint_id = ${endpointId}`;
  const found = await rows<DeliveryRow & { total: number }>(
    db,
    sql`SELECT id, type, payload, attempts, next_attempt_at, last_attempt_at, delivered_at, given_up_at,
               last_status_code, last_error, created_at, count(*) OVER () AS total
        FROM webhook_deliveries WHERE ${where}
        ORDER BY seq DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
  );
  return { deliveries: found.map(view), total: found[0]?.total ?? 0, limit: q.limit, offset: q.offset };
}

/**
 * Sends a delivery again, with the same webhook-id (it is the same event), as soon as the worker
 * polls, with a fresh retry window. It keeps its place in its recipient's order.
 */
export async function redeliver(db: Db, endpointId: number, id: string): Promise<boolean> {
  const found = await rows(
    db,
    sql`UPDATE webhook_deliveries SET delivered_at = NULL, given_up_at = NULL, next_attempt_at = now(), retry_from = now()
        WHERE id = ${id} AND endpoint_id = ${endpointId} RETURNING id`,
  );
  return found.length > 0;
}

/** How long finished deliveries stay in the log. */
export const LOG_RETENTION_DAYS = 30;

/** Finished deliveries older than the retention leave the log: otherwise the outbox grows with every event, forever. */
export async function pruneDeliveryLog(db: Db): Promise<number> {
  return affected(
    db,
    sql`DELETE FROM webhook_deliveries
        WHERE coalesce(delivered_at, given_up_at) < now() - ${LOG_RETENTION_DAYS} * interval '1 day'`,
  );
}
