import { sql } from 'drizzle-orm';
import { type Db, rows } from '../db/client.ts';
import { DEVICE_PACING_COLUMNS, type DevicePacingColumns, UNSET_PACING_COLUMNS } from '../send/deviceSends.ts';
import type { HoldColumns } from '../send/deviceHold.ts';

/** The rows behind GET /api/devices and the device actions: settings, lease, hold and pause. */
export interface DeviceRow extends HoldColumns, DevicePacingColumns {
  id: string;
  label: string | null;
  enabled: boolean;
  lease_owner: string | null;
  lease_expires_at: string | null;
  paused_at: string | null;
  paused_reason: string | null;
}

const SELECT = sql`SELECT d.id, d.label, d.enabled, d.lease_owner, d.lease_expires_at,
                          d.hold_kind, d.hold_reason, d.held_since, d.held_until, d.hold_probes, d.paused_at, d.paused_reason,
                          ${DEVICE_PACING_COLUMNS}
                   FROM devices d`;

export async function listDeviceRows(db: Db): Promise<DeviceRow[]> {
  return rows<DeviceRow>(db, sql`${SELECT} ORDER BY d.id`);
}

export async function findDeviceRow(db: Db, id: string): Promise<DeviceRow | null> {
  const [found] = await rows<DeviceRow>(db, sql`${SELECT} WHERE d.id = ${id}`);
  return found ?? null;
}

/**
 * Writes a person's settings of a device (a null puts a knob back to the environment's default).
 * A device has no row until its first send or setting, so the row is made first. The column names
 * are the keys of the API's device patch, which refuses any other field.
 */
export async function saveDeviceSettings(db: Db, id: string, settings: Readonly<Record<string, unknown>>): Promise<void> {
  await db.execute(sql`INSERT INTO devices (id) VALUES (${id}) ON CONFLICT (id) DO NOTHING`);
  const set = Object.entries(settings).map(([column, value]) => sql`${sql.identifier(column)} = ${value}`);
  if (set.length) await db.execute(sql`UPDATE devices SET ${sql.join(set, sql`, `)} WHERE id = ${id}`);
}

/** The configured device before its first send or setting made its row: every knob the environment's. */
export function unsavedDevice(id: string): DeviceRow {
  return {
    id,
    label: null,
    enabled: true,
    lease_owner: null,
    lease_expires_at: null,
    hold_kind: null,
    hold_reason: null,
    held_since: null,
    held_until: null,
    hold_probes: 0,
    paused_at: null,
    paused_reason: null,
    ...UNSET_PACING_COLUMNS,
  };
}
