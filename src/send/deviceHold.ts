import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { isoTime } from '../util/pgTime.ts';
import type { SendingState } from '../api/contract.ts';

export type { SendingState };

export type HoldKind = 'auth' | 'device_unavailable' | 'refusals';

export interface DeviceHold {
  kind: HoldKind;
  reason: string;
  /** ms until the probe is due, by the database clock (0 when due). */
  waitMs: number;
  backoffMs: number;
  probes: number;
}

/** The gateway's words as the API may show them: no phone numbers, bounded. The token never reaches here (the client scrubs it). */
export function holdReason(reason: string): string {
  return reason.replace(/\+?\d{6,}/g, '[number]').slice(0, 300);
}

/** The hold columns of a `devices` row, as selected by the API's queries. */
export interface HoldColumns {
  hold_kind: string | null;
  hold_reason: string | null;
  held_since: string | null;
  held_until: string | null;
  hold_probes: number;
}

// Held: the gateway refused our token, the device's WhatsApp session is down, or too many numbers in
// a row were refused. Blasts wait (still `sending`); a probe send at retry_at may end it.
export function sendingState(d: HoldColumns): SendingState {
  return d.hold_kind === null
    ? { state: 'running' }
    : {
        state: 'held',
        kind: d.hold_kind,
        reason: d.hold_reason,
        since: isoTime(d.held_since),
        retry_at: isoTime(d.held_until),
        probes_refused: d.hold_probes,
      };
}

export async function readHold(db: Db, device: string): Promise<DeviceHold | null> {
  const [row] = await rows<{ kind: HoldKind; reason: string | null; wait_ms: number; backoff_ms: number | null; probes: number }>(
    db,
    sql`SELECT hold_kind AS kind, hold_reason AS reason, hold_probes AS probes, hold_backoff_ms AS backoff_ms,
               greatest(0, ceil(extract(epoch FROM held_until - now()) * 1000))::int AS wait_ms
        FROM devices WHERE id = ${device} AND hold_kind IS NOT NULL`,
  );
  return row ? { kind: row.kind, reason: row.reason ?? '', waitMs: row.wait_ms, backoffMs: row.backoff_ms ?? 0, probes: row.probes } : null;
}

/**
 * Holds the device (or re-arms its hold after a probe) until `waitMs` from now; a null reason keeps the last one.
 * Returns true when the device was running before: the caller logs that transition once.
 */
export async function holdDevice(
  db: Db,
  device: string,
  hold: { kind: HoldKind; reason: string | null; backoffMs: number; waitMs: number; probeRefused: boolean },
): Promise<boolean> {
  const [row] = await rows<{ was_running: boolean }>(
    db,
    sql`WITH before AS (SELECT hold_kind FROM devices WHERE id = ${device} FOR UPDATE)
        UPDATE devices SET
          hold_kind = ${hold.kind}, hold_reason = coalesce(${hold.reason === null ? null : holdReason(hold.reason)}, devices.hold_reason),
          held_since = CASE WHEN devices.hold_kind IS NULL THEN now() ELSE devices.held_since END,
          held_until = now() + ${Math.round(hold.waitMs)} * interval '1 millisecond',
          hold_backoff_ms = ${Math.round(hold.backoffMs)},
          hold_probes = CASE WHEN devices.hold_kind IS NULL THEN 0 ELSE devices.hold_probes + ${hold.probeRefused ? 1 : 0} END
        FROM before WHERE devices.id = ${device}
        RETURNING before.hold_kind IS NULL AS was_running`,
  );
  return row?.was_running ?? false;
}

/** Ends the hold (a probe was accepted, or a person resumed the device). True when it was held. */
export async function clearHold(db: Db, device: string): Promise<boolean> {
  const cleared = await rows<{ id: string }>(
    db,
    sql`UPDATE devices SET hold_kind = NULL, hold_reason = NULL, held_since = NULL, held_until = NULL, hold_backoff_ms = NULL, hold_probes = 0
        WHERE id = ${device} AND hold_kind IS NOT NULL RETURNING id`,
  );
  return cleared.length > 0;
}
