import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { isoTime } from '../util/pgTime.ts';

export type SendingState =
  | { state: 'running' }
  | { state: 'held'; kind: string; reason: string | null; since: string | null; retry_at: string | null; probes_refused: number };

export interface DeviceSending {
  id: string;
  enabled: boolean;
  sending: SendingState;
}

/** Every known device and whether it may send now (the same hold columns GET /api/devices shows). */
export async function listDeviceSending(db: Db): Promise<DeviceSending[]> {
  const found = await rows<{ id: string; enabled: boolean; hold_kind: string | null; hold_reason: string | null; held_since: string | null; held_until: string | null; hold_probes: number }>(
    db,
    sql`SELECT id, enabled, hold_kind, hold_reason, held_since, held_until, hold_probes FROM devices ORDER BY id`,
  );
  return found.map((d) => ({
    id: d.id,
    enabled: d.enabled,
    sending:
      d.hold_kind === null
        ? { state: 'running' }
        : { state: 'held', kind: d.hold_kind, reason: d.hold_reason, since: isoTime(d.held_since), retry_at: isoTime(d.held_until), probes_refused: d.hold_probes },
  }));
}

export interface LastWebhook {
  id: number;
  received_at: string | null;
  content_type: string | null;
  secret_in: string | null;
  body: string;
  /** What became of its events (applied, waiting, ignored, not_understood), comma-separated. */
  results: string | null;
}

/** The newest raw webhook request kept (understood or not) and what became of its events. */
export async function readLastWebhook(db: Db): Promise<LastWebhook | null> {
  const [row] = await rows<LastWebhook>(
    db,
    sql`SELECT r.id, r.received_at, r.content_type, r.secret_in, r.body,
               (SELECT string_agg(DISTINCT coalesce(e.result, CASE WHEN e.applied_at IS NULL THEN 'waiting' ELSE 'applied' END), ',')
                  FROM webhook_events e WHERE e.request_id = r.id) AS results
        FROM webhook_requests r ORDER BY r.id DESC LIMIT 1`,
  );
  return row ? { ...row, received_at: isoTime(row.received_at) } : null;
}
