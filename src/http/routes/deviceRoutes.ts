import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../../db/client.ts';
import { normalisePhone } from '../../domain/phone.ts';
import { deviceHealth } from '../../devices/deviceHealth.ts';
import { pauseDevice, resumeDevice } from '../../devices/devicePause.ts';
import { listProbablyBlocked } from '../../devices/probablyBlocked.ts';
import { PROBABLY_BLOCKED_DAYS } from '../../domain/deviceHealth.ts';
import { type HoldColumns, sendingState } from '../../engine/deviceHold.ts';
import { releaseQueued } from '../../engine/phoneSenders.ts';
import { AppError } from '../../errors.ts';
import { isoTime } from '../../util/pgTime.ts';
import type { AppContext } from '../context.ts';
import { text } from '../inputLimits.ts';
import { pageQuery, parse } from '../schemas.ts';

const deviceId = z.object({ id: z.string().min(1).max(100).regex(/^[\w.-]+$/) });
const devicePatch = z.strictObject({
  label: text().max(100).nullable().optional(),
  rate: z.number().positive().max(10_000).nullable().optional(),
  burst: z.number().int().positive().max(10_000).nullable().optional(),
  jitter_ms: z.number().int().min(0).max(600_000).nullable().optional(),
  daily_cap: z.number().int().positive().nullable().optional(),
  enabled: z.boolean().optional(),
});

interface DeviceRow extends HoldColumns {
  paused_at: string | null;
  paused_reason: string | null;
  id: string;
  label: string | null;
  rate: number | null;
  burst: number | null;
  jitter_ms: number | null;
  daily_cap: number | null;
  enabled: boolean;
  lease_owner: string | null;
  lease_expires_at: string | null;
  sent_today: number;
}

/** Devices (WSAPME device ids) and their pacing overrides; null means "the env default". Opt-outs. */
export async function deviceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const views = async (found: DeviceRow[]) => {
    const health = await deviceHealth(
      db,
      found.map((d) => ({ ...d, held: d.hold_kind !== null, daily_cap: d.daily_cap ?? ctx.config.pacing.dailyCap })),
      ctx.config.healthPauseErrorRate,
    );
    return found.map(({ hold_kind, hold_reason, held_since, held_until, hold_probes, paused_at, paused_reason, ...d }) => ({
      ...d,
      lease_expires_at: isoTime(d.lease_expires_at),
      sending: sendingState({ hold_kind, hold_reason, held_since, held_until, hold_probes }),
      effective: {
        rate: d.rate ?? ctx.config.pacing.rate,
        burst: d.burst ?? ctx.config.pacing.burst,
        jitter_ms: d.jitter_ms ?? ctx.config.pacing.jitterMs,
        daily_cap: d.daily_cap ?? ctx.config.pacing.dailyCap,
      },
      health: health.get(d.id)!,
    }));
  };
  const select = sql`SELECT d.id, d.label, d.rate, d.burst, d.jitter_ms, d.daily_cap, d.enabled, d.lease_owner, d.lease_expires_at,
                            coalesce(c.sent, 0) AS sent_today, d.hold_kind, d.hold_reason, d.held_since, d.held_until, d.hold_probes,
                            d.paused_at, d.paused_reason
                     FROM devices d LEFT JOIN device_daily_counts c
                       ON c.device = d.id AND c.day = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const one = async (id: string) => {
    const found = await rows<DeviceRow>(db, sql`${select} WHERE d.id = ${id}`);
    if (found.length === 0) throw new AppError('not_found', 'No such device');
    return (await views(found))[0]!;
  };

  app.get('/api/devices', async () => ({ devices: await views(await rows<DeviceRow>(db, sql`${select} ORDER BY d.id`)) }));

  app.put('/api/devices/:id', async (req) => {
    const { id } = parse(deviceId, req.params);
    const p = parse(devicePatch, req.body);
    await db.execute(sql`INSERT INTO devices (id) VALUES (${id}) ON CONFLICT (id) DO NOTHING`);
    const set = Object.entries(p).map(([k, v]) => sql`${sql.identifier(k)} = ${v}`);
    if (set.length) await db.execute(sql`UPDATE devices SET ${sql.join(set, sql`, `)} WHERE id = ${id}`);
    if (p.enabled === false) {
      // Taken out of service: what it was to send but never sent moves to the rest of each pool.
      const moved = await releaseQueued(db, id);
      if (moved > 0) ctx.log.info({ device: id, recipients: moved }, 'device disabled; its queued recipients go to the rest of their pools');
      ctx.wakeEngine();
    }
    return one(id);
  });

  /** Stops a device by hand: its recipients wait, new phones go to the rest of its pools. */
  app.post('/api/devices/:id/pause', async (req) => {
    const { id } = parse(deviceId, req.params);
    const { reason } = parse(z.strictObject({ reason: text().max(200).optional() }), req.body);
    await one(id);
    if (await pauseDevice(db, id, reason ? `paused by hand: ${reason}` : 'paused by hand')) ctx.log.info({ device: id }, 'device paused by hand');
    return one(id);
  });

  /** Numbers this device messaged that stayed undelivered for 7 days: they probably blocked it. Opt them out with POST /api/opt-outs. */
  app.get('/api/devices/:id/probably-blocked', async (req) => {
    const { id } = parse(deviceId, req.params);
    const page = parse(pageQuery, req.query);
    await one(id);
    return { device: id, days: PROBABLY_BLOCKED_DAYS, ...(await listProbablyBlocked(db, id, page)), ...page };
  });

  /**
   * Ends a device's hold or pause now: the next send goes at the normal pace (a person fixed the
   * token or the phone, or judged the errors). A pause's error window starts afresh.
   */
  app.post('/api/devices/:id/resume', async (req) => {
    const { id } = parse(deviceId, req.params);
    await one(id);
    const was = await resumeDevice(db, id);
    if (was.wasHeld || was.wasPaused) ctx.log.info({ device: id, ...was }, 'device sending resumed by hand');
    ctx.wakeEngine();
    return one(id);
  });

  app.get('/api/opt-outs', async (req) => {
    const page = parse(pageQuery, req.query);
    const found = await rows<{ phone_number: string; reason: string | null; created_at: string }>(
      db,
      sql`SELECT phone_number, reason, created_at FROM opt_outs ORDER BY created_at DESC, phone_number LIMIT ${page.limit} OFFSET ${page.offset}`,
    );
    return { opt_outs: found.map((o) => ({ ...o, created_at: isoTime(o.created_at) })), ...page };
  });

  app.post('/api/opt-outs', async (req, reply) => {
    const { phone, reason } = parse(z.strictObject({ phone: z.string().min(1).max(64), reason: text().max(200).optional() }), req.body);
    const parsed = normalisePhone(phone, ctx.config.phoneRegion);
    if (!parsed.ok) throw new AppError('validation_failed', `phone: ${parsed.reason}`, [{ field: 'phone', message: parsed.reason }]);
    await db.execute(
      sql`INSERT INTO opt_outs (phone_number, reason) VALUES (${parsed.e164}, ${reason ?? 'added by hand'}) ON CONFLICT (phone_number) DO NOTHING`,
    );
    reply.status(201);
    return { success: true, phone_number: parsed.e164 };
  });

  app.delete('/api/opt-outs/:phone', async (req) => {
    const { phone } = parse(z.object({ phone: z.string().min(1).max(64) }), req.params);
    const parsed = normalisePhone(phone, ctx.config.phoneRegion);
    const [gone] = await rows<{ phone_number: string }>(
      db,
      sql`DELETE FROM opt_outs WHERE phone_number = ${parsed.ok ? parsed.e164 : phone} RETURNING phone_number`,
    );
    if (!gone) throw new AppError('not_found', 'That number is not opted out');
    return { success: true };
  });
}
