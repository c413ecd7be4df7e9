import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { SendHistory } from '../domain/pacer.ts';
import { type PacingDefaults, type PacingPreset, type PacingRules, type PacingSettings, resolvePacing } from '../domain/pacingRules.ts';
import { localDay } from '../domain/sendWindow.ts';
import { zonedMidnight } from '../domain/timeBounds.ts';
import { REWARM_AFTER_MS, type WarmUpHistory } from '../domain/warmUp.ts';

/**
 * What the pacing of a device reads and writes: its settings, the log of its sends (the sliding
 * hour and the local day of its caps) and where its warm-up stands. Times are the engine's clock
 * (util/clock), passed in, never the database's now(): a simulated day must count the same.
 */
const KEEP_MS = 8 * 24 * 3_600_000;
const HOUR = 3_600_000;

/** The devices columns pacing reads (send/deviceLease returns them with the lease). */
export interface DevicePacingColumns {
  preset: PacingPreset | null;
  rate: number | null;
  burst: number | null;
  jitter_ms: number | null;
  min_gap_ms: number | null;
  max_gap_ms: number | null;
  hourly_cap: number | null;
  daily_cap: number | null;
  send_window: string | null;
  send_timezone: string | null;
  in_use_since: string | null;
  warm_since_ms: number | null;
  last_sent_at_ms: number | null;
}

/** A device with nothing set: every knob from the environment. */
export const UNSET_PACING_COLUMNS: DevicePacingColumns = {
  preset: null,
  rate: null,
  burst: null,
  jitter_ms: null,
  min_gap_ms: null,
  max_gap_ms: null,
  hourly_cap: null,
  daily_cap: null,
  send_window: null,
  send_timezone: null,
  in_use_since: null,
  warm_since_ms: null,
  last_sent_at_ms: null,
};

/** SELECT list for DevicePacingColumns from `devices d`. */
export const DEVICE_PACING_COLUMNS = sql`d.preset, d.rate, d.burst, d.jitter_ms, d.min_gap_ms, d.max_gap_ms, d.hourly_cap, d.daily_cap,
  d.send_window, d.send_timezone, to_char(d.in_use_since, 'YYYY-MM-DD') AS in_use_since,
  (extract(epoch FROM d.warm_since) * 1000)::float8 AS warm_since_ms, (extract(epoch FROM d.last_sent_at) * 1000)::float8 AS last_sent_at_ms`;

export function pacingSettingsOf(c: DevicePacingColumns): PacingSettings {
  return {
    preset: c.preset,
    rate: c.rate,
    burst: c.burst,
    jitterMs: c.jitter_ms,
    minGapMs: c.min_gap_ms,
    maxGapMs: c.max_gap_ms,
    hourlyCap: c.hourly_cap,
    dailyCap: c.daily_cap,
    window: c.send_window,
    timeZone: c.send_timezone,
  };
}

export function warmUpHistoryOf(c: DevicePacingColumns, timeZone: string): WarmUpHistory {
  return {
    inUseSince: c.in_use_since ? zonedMidnight(c.in_use_since, timeZone).getTime() : null,
    warmSince: c.warm_since_ms,
    lastSentAt: c.last_sent_at_ms,
  };
}

/** The rules a device sends by now: its own settings over the environment's, a blast's preset over both. */
export function devicePacingRules(
  columns: DevicePacingColumns | null,
  defaults: PacingDefaults,
  blastPreset: PacingPreset | null,
  now: number,
): PacingRules {
  const c = columns ?? UNSET_PACING_COLUMNS;
  return resolvePacing(pacingSettingsOf(c), defaults, blastPreset, warmUpHistoryOf(c, c.send_timezone ?? defaults.timeZone), now);
}

/** The device's pacing columns (null for a device never seen). */
export async function devicePacingColumns(db: Db, device: string): Promise<DevicePacingColumns | null> {
  const [row] = await rows<DevicePacingColumns>(db, sql`SELECT ${DEVICE_PACING_COLUMNS} FROM devices d WHERE d.id = ${device}`);
  return row ?? null;
}

/**
 * The preset of the blast this device sends next, when that blast chose one: the claim takes the
 * oldest sending blast first (send/claimRecipients), so its choice paces the device meanwhile.
 */
export async function nextBlastPreset(db: Db, device: string): Promise<PacingPreset | null> {
  const [row] = await rows<{ pacing_preset: PacingPreset | null }>(
    db,
    sql`SELECT b.pacing_preset FROM blasts b
        WHERE b.device = ${device} AND b.state = 'sending'
          AND EXISTS (SELECT 1 FROM blast_recipients r WHERE r.blast_id = b.id AND r.status = 'QUEUED')
        ORDER BY b.id LIMIT 1`,
  );
  return row?.pacing_preset ?? null;
}

/** The sends of the last hour (at most `hourlyCap` of them, all that matter), today's count and the last send. */
export async function sendHistory(db: Db, device: string, timeZone: string, now: number, hourlyCap: number | null): Promise<SendHistory> {
  const localDayStart = zonedMidnight(localDay(timeZone, now), timeZone).getTime();
  const [summary] = await rows<{ today: number; last: number | null }>(
    db,
    sql`SELECT count(*) FILTER (WHERE sent_at >= to_timestamp(${localDayStart / 1000}))::int AS today,
               (extract(epoch FROM max(sent_at)) * 1000)::float8 AS last
        FROM device_sends WHERE device = ${device} AND sent_at > to_timestamp(${(now - 2 * 86_400_000) / 1000})`,
  );
  const lastHour =
    hourlyCap === null
      ? []
      : (
          await rows<{ t: number }>(
            db,
            sql`SELECT (extract(epoch FROM sent_at) * 1000)::float8 AS t FROM device_sends
                WHERE device = ${device} AND sent_at > to_timestamp(${(now - HOUR) / 1000})
                ORDER BY sent_at DESC LIMIT ${hourlyCap}`,
          )
        )
          .map((r) => r.t)
          .reverse();
  return { lastHour, today: summary?.today ?? 0, lastSentAt: summary?.last ?? null };
}

/**
 * Logs messages the gateway accepted, at the times they left, and moves the warm-up along: a send
 * after 72 h of silence starts a new run (domain/warmUp, REWARM_AFTER_MS — nextWarmSince is the
 * same rule, pure). One statement inside storeAccepted's transaction, so 500 sends a second cost no
 * extra round trip (bench send_rate); it also keeps device_daily_counts (per UTC day) as before.
 */
export async function recordDeviceSends(tx: Db, device: string, times: number[]): Promise<void> {
  if (times.length === 0) return;
  const first = Math.min(...times);
  const last = Math.max(...times);
  await tx.execute(
    sql`WITH logged AS (
          INSERT INTO device_sends (device, sent_at)
          SELECT ${device}, to_timestamp(s.t::float8 / 1000.0) FROM json_array_elements_text(${JSON.stringify(times)}::json) AS s(t)
        ), daily AS (
          INSERT INTO device_daily_counts (device, day, sent) VALUES (${device}, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), ${times.length})
          ON CONFLICT (device, day) DO UPDATE SET sent = device_daily_counts.sent + EXCLUDED.sent
        )
        UPDATE devices SET
          warm_since = CASE WHEN warm_since IS NULL OR last_sent_at IS NULL
                              OR to_timestamp(${first / 1000}) - last_sent_at > ${REWARM_AFTER_MS} * interval '1 millisecond'
                            THEN to_timestamp(${first / 1000}) ELSE warm_since END,
          last_sent_at = greatest(last_sent_at, to_timestamp(${last / 1000}))
        WHERE id = ${device}`,
  );
}

/** Keeps the log about a week long: the caps look back one day at most. */
export async function pruneDeviceSends(db: Db, device: string, now: number): Promise<void> {
  await db.execute(sql`DELETE FROM device_sends WHERE device = ${device} AND sent_at < to_timestamp(${(now - KEEP_MS) / 1000})`);
}
