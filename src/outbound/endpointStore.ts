import { sql } from 'drizzle-orm';
import { type Db, rows } from '../db/client.ts';
import { isoTime } from '../util/pgTime.ts';
import { maskSecret, newEndpointSecret } from './endpointSecret.ts';

export const EVENT_TYPES = ['recipient.status_changed', 'recipient.replied', 'recipient.opted_out', 'blast.completed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

interface EndpointRow {
  id: number;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: string | null;
  rotated_at: string | null;
  created_at: string;
}

/** An endpoint as the API shows it: the secret masked. */
export function endpointView(e: EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    secret: maskSecret(e.secret),
    enabled: e.enabled,
    disabled_reason: e.disabled_reason,
    failing_since: isoTime(e.failing_since),
    rotated_at: isoTime(e.rotated_at),
    created_at: isoTime(e.created_at),
  };
}

export type EndpointView = ReturnType<typeof endpointView>;

const COLUMNS = sql`id, url, events, secret, enabled, disabled_reason, failing_since, rotated_at, created_at`;
const eventsArray = (events: readonly string[]) => sql`ARRAY(SELECT json_array_elements_text(${JSON.stringify(events)}::json))`;

export async function createEndpoint(db: Db, url: string, events: readonly EventType[]): Promise<{ id: number; secret: string }> {
  const secret = newEndpointSecret();
  const [row] = await rows<{ id: number }>(
    db,
    sql`INSERT INTO webhook_endpoints (url, events, secret) VALUES (${url}, ${eventsArray(events)}, ${secret}) RETURNING id`,
  );
  return { id: row!.id, secret };
}

export async function listEndpoints(db: Db) {
  return (await rows<EndpointRow>(db, sql`SELECT ${COLUMNS} FROM webhook_endpoints ORDER BY id`)).map(endpointView);
}

export async function getEndpoint(db: Db, id: number) {
  const [row] = await rows<EndpointRow>(db, sql`SELECT ${COLUMNS} FROM webhook_endpoints WHERE id = ${id}`);
  return row ? endpointView(row) : null;
}

export interface EndpointPatch {
  url?: string | undefined;
  events?: readonly EventType[] | undefined;
  enabled?: boolean | undefined;
}

/** Enabling again clears the failure record: the endpoint gets a fresh N days. */
export async function patchEndpoint(db: Db, id: number, p: EndpointPatch) {
  const set = [sql`id = id`];
  if (p.url !== undefined) set.push(sql`url = ${p.url}`);
  if (p.events !== undefined) set.push(sql`events = ${eventsArray(p.events)}`);
  if (p.enabled === true) set.push(sql`enabled = true, disabled_reason = NULL, failing_since = NULL`);
  if (p.enabled === false) set.push(sql`enabled = false, disabled_reason = 'disabled by hand'`);
  const [row] = await rows<EndpointRow>(
    db,
    sql`UPDATE webhook_endpoints SET ${sql.join(set, sql`, `)} WHERE id = ${id} RETURNING ${COLUMNS}`,
  );
  return row ? endpointView(row) : null;
}

/** Deletes the endpoint and its delivery log. */
export async function deleteEndpoint(db: Db, id: number): Promise<boolean> {
  return (await rows(db, sql`DELETE FROM webhook_endpoints WHERE id = ${id} RETURNING id`)).length > 0;
}

/** A new secret; the old one keeps signing beside it for ROTATION_GRACE_HOURS (see claimDeliveries). */
export async function rotateSecret(db: Db, id: number): Promise<string | null> {
  const secret = newEndpointSecret();
  const [row] = await rows(
    db,
    sql`UPDATE webhook_endpoints SET previous_secret = secret, secret = ${secret}, rotated_at = now() WHERE id = ${id} RETURNING id`,
  );
  return row ? secret : null;
}
