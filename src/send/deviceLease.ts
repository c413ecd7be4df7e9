import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { applyWaitingReplies } from '../track/applyInbound.ts';
import { DEVICE_PACING_COLUMNS, type DevicePacingColumns } from './deviceSends.ts';
import { recordSenders } from './phoneSenders.ts';

/** The default lease (config LEASE_SECONDS). The holder renews at a third of it and yields a waiting engine at half. */
export const LEASE_SECONDS = 30;

/**
 * The one lease condition: the `devices` row under `alias` is leased right now, judged by the
 * database clock so processes with skewed clocks agree. NULL-safe: a device never leased reads
 * false rather than NULL, so NOT of it means "free". Only aliases from this code are spliced in.
 */
export function leaseLive(alias: string): SQL {
  return sql.raw(`coalesce(${alias}.lease_expires_at > now(), false)`);
}

/** The device under `alias` is leased right now by `owner` (a bound value, or a column such as r.claimed_by). */
export function leasedBy(alias: string, owner: string | SQL): SQL {
  return sql`${sql.raw(`${alias}.lease_owner`)} = ${owner} AND ${leaseLive(alias)}`;
}

/** The device's pacing settings, read with every lease renewal so a change applies within seconds. */
export type DeviceSettings = DevicePacingColumns;

/**
 * Takes or renews the lease on a device: one process paces one device, so its rate limit holds
 * however many engines run. Free, expired or already ours → ours for `leaseSeconds` more.
 * Expiry is judged by the database clock, so processes with skewed clocks still agree.
 * Returns the device's pacing overrides, or null when another live process holds it.
 */
export async function acquireLease(db: Db, device: string, owner: string, leaseSeconds = LEASE_SECONDS): Promise<DeviceSettings | null> {
  await db.execute(sql`INSERT INTO devices (id) VALUES (${device}) ON CONFLICT (id) DO NOTHING`);
  const [row] = await rows<DeviceSettings>(
    db,
    sql`UPDATE devices AS d SET lease_owner = ${owner}, lease_expires_at = now() + ${leaseSeconds} * interval '1 second'
        WHERE d.id = ${device} AND d.enabled
          AND (d.lease_owner = ${owner} OR NOT ${leaseLive('d')})
        RETURNING ${DEVICE_PACING_COLUMNS}`,
  );
  return row ?? null;
}

/** Records that this engine would like the device; the holder yields at the end of its turn. */
export async function requestLease(db: Db, device: string): Promise<void> {
  await db.execute(sql`UPDATE devices SET wanted_at = now() WHERE id = ${device}`);
}

/** True when another engine asked for the device in the last few seconds (waiters ask every second). */
export async function isWanted(db: Db, device: string): Promise<boolean> {
  const [row] = await rows<{ wanted: boolean }>(
    db,
    sql`SELECT coalesce(wanted_at > now() - interval '3 seconds', false) AS wanted FROM devices WHERE id = ${device}`,
  );
  return row?.wanted ?? false;
}

export async function releaseLease(db: Db, device: string, owner: string): Promise<void> {
  await db.execute(sql`UPDATE devices SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ${device} AND lease_owner = ${owner}`);
}

/**
 * SENDING rows whose owner holds no live lease belonged to a process that died (or stalled past
 * its lease) with the request possibly on the wire. They become UNCERTAIN — never QUEUED, because
 * resending could contact the person twice. A person may resend them explicitly. A reply that
 * came in meanwhile proves the message arrived and is applied in the same transaction.
 */
export async function recoverOrphans(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const orphans = await rows<{ id: number }>(
      tx,
      sql`UPDATE blast_recipients r
          SET status = 'UNCERTAIN', last_error = 'the sending process stopped while this message was in flight'
          WHERE r.status = 'SENDING'
            AND NOT EXISTS (SELECT 1 FROM devices d WHERE ${leasedBy('d', sql`r.claimed_by`)})
          RETURNING r.id`,
    );
    // Possibly sent: the phone keeps this device as its sender.
    await recordSenders(
      tx,
      orphans.map((o) => o.id),
    );
    await applyWaitingReplies(
      tx,
      orphans.map((o) => o.id),
    );
    return orphans.length;
  });
}
