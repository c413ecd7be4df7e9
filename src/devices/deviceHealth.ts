import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { DeviceHealth } from '../api/contract.ts';
import { HEALTH_WINDOW, PROBABLY_BLOCKED_DAYS, healthVerdict } from '../domain/deviceHealth.ts';
import { holdReason } from '../send/deviceHold.ts';
import { isoTime } from '../util/pgTime.ts';
import { stuckUndelivered } from './probablyBlocked.ts';

export type { DeviceHealth };

/** Per device: its last HEALTH_WINDOW settled sends since its window began, and how many failed. */
export async function errorWindows(db: Db, devices: readonly string[]): Promise<Map<string, { sends: number; errors: number }>> {
  if (devices.length === 0) return new Map();
  // LATERAL + LIMIT walks blast_recipients_device_settled_idx newest first: 50 index entries a device.
  const found = await rows<{ id: string; sends: number; errors: number }>(
    db,
    sql`SELECT d.id, w.sends, w.errors
        FROM devices d
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS sends, count(*) FILTER (WHERE x.status = 'FAILED')::int AS errors
          FROM (
            SELECT r.status FROM blast_recipients r
            WHERE r.device = d.id AND (r.sent_at IS NOT NULL OR r.status = 'FAILED')
              AND coalesce(r.sent_at, r.failed_at) >= coalesce(d.health_since, '-infinity'::timestamptz)
            ORDER BY coalesce(r.sent_at, r.failed_at) DESC
            LIMIT ${HEALTH_WINDOW}
          ) x
        ) w
        WHERE d.id IN (SELECT json_array_elements_text(${JSON.stringify(devices)}::json))`,
  );
  return new Map(found.map((f) => [f.id, { sends: f.sends, errors: f.errors }]));
}

export interface HealthInputs {
  id: string;
  enabled: boolean;
  held: boolean;
  sent_today: number;
  daily_cap: number | null;
  paused_at: string | null;
  paused_reason: string | null;
}

/** The health of these devices; `threshold` is HEALTH_PAUSE_ERROR_RATE. */
export async function deviceHealth(db: Db, devices: readonly HealthInputs[], threshold: number): Promise<Map<string, DeviceHealth>> {
  const ids = devices.map((d) => d.id);
  const windows = await errorWindows(db, ids);
  const refusals = await lastRefusals(db, ids);
  const blocked = await stuckUndelivered(db, ids);
  const out = new Map<string, DeviceHealth>();
  for (const d of devices) {
    const w = windows.get(d.id) ?? { sends: 0, errors: 0 };
    const verdict = healthVerdict(w, threshold);
    const probablyBlocked = blocked.get(d.id) ?? 0;
    const status: DeviceHealth['status'] = !d.enabled
      ? 'disabled'
      : d.paused_at
        ? 'paused'
        : d.held
          ? 'held'
          : (verdict.rate !== null && verdict.rate > threshold / 2) || probablyBlocked > 0
            ? 'warning'
            : 'ok';
    out.set(d.id, {
      status,
      sent_today: d.sent_today,
      daily_cap: d.daily_cap,
      paused: d.paused_at ? { at: isoTime(d.paused_at)!, reason: d.paused_reason } : null,
      last_refusal: refusals.get(d.id) ?? null,
      error_rate: { window: HEALTH_WINDOW, sends: w.sends, errors: w.errors, rate: verdict.rate, pause_above: threshold },
      probably_blocked: probablyBlocked,
      probably_blocked_days: PROBABLY_BLOCKED_DAYS,
    });
  }
  return out;
}

/** Each device's latest failed recipient: when, and the gateway's or WhatsApp's words (numbers masked out). */
async function lastRefusals(db: Db, devices: readonly string[]): Promise<Map<string, { at: string; reason: string | null }>> {
  if (devices.length === 0) return new Map();
  const found = await rows<{ id: string; at: string; reason: string | null }>(
    db,
    sql`SELECT d.id, f.at, f.reason
        FROM json_array_elements_text(${JSON.stringify(devices)}::json) AS d(id)
        CROSS JOIN LATERAL (
          SELECT r.failed_at AS at, r.last_error AS reason FROM blast_recipients r
          WHERE r.device = d.id AND (r.sent_at IS NOT NULL OR r.status = 'FAILED') AND r.status = 'FAILED'
          ORDER BY coalesce(r.sent_at, r.failed_at) DESC
          LIMIT 1
        ) f`,
  );
  return new Map(found.map((f) => [f.id, { at: isoTime(f.at)!, reason: f.reason === null ? null : holdReason(f.reason) }]));
}
