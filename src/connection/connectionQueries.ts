import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { DeviceSending } from '../api/contract.ts';
import type { Status } from '../domain/status.ts';
import { type HoldColumns, sendingState } from '../send/deviceHold.ts';
import { isoTime } from '../util/pgTime.ts';

export type { DeviceSending };

/** Every known device and whether it may send now (the same hold columns GET /api/devices shows). */
export async function listDeviceSending(db: Db): Promise<DeviceSending[]> {
  const found = await rows<{ id: string; enabled: boolean } & HoldColumns>(
    db,
    sql`SELECT id, enabled, hold_kind, hold_reason, held_since, held_until, hold_probes FROM devices ORDER BY id`,
  );
  return found.map((d) => ({ id: d.id, enabled: d.enabled, sending: sendingState(d) }));
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

export interface TestRecipient {
  status: Status;
  message_id: string | null;
  last_error: string | null;
}

/** The one recipient of a connection-test blast (connection/sendTestMessage): where its send stands. */
export async function readTestRecipient(db: Db, blastId: number): Promise<TestRecipient | null> {
  const [row] = await rows<TestRecipient>(db, sql`SELECT status, message_id, last_error FROM blast_recipients WHERE blast_id = ${blastId}`);
  return row ?? null;
}
