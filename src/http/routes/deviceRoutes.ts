import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../../db/client.ts';
import { type HoldColumns, clearHold, sendingState } from '../../engine/deviceHold.ts';
import { AppError } from '../../errors.ts';
import { isoTime } from '../../util/pgTime.ts';
import type { AppContext } from '../context.ts';
import { text } from '../inputLimits.ts';
import { parse } from '../schemas.ts';

const deviceId = z.object({ id: z.string().min(1).max(100).regex(/^[\w.-]+$/) });
export const devicePatch = z.strictObject({
  label: text().max(100).nullable().optional(),
  rate: z.number().positive().max(10_000).nullable().optional(),
  burst: z.number().int().positive().max(10_000).nullable().optional(),
  jitter_ms: z.number().int().min(0).max(600_000).nullable().optional(),
  daily_cap: z.number().int().positive().nullable().optional(),
  enabled: z.boolean().optional(),
});

interface DeviceRow extends HoldColumns {
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

/** Devices (WSAPME device ids) and their pacing overrides; null means "the env default". */
export async function deviceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const view = ({ hold_kind, hold_reason, held_since, held_until, hold_probes, ...d }: DeviceRow) => ({
    ...d,
    lease_expires_at: isoTime(d.lease_expires_at),
    sending: sendingState({ hold_kind, hold_reason, held_since, held_until, hold_probes }),
    effective: {
      rate: d.rate ?? ctx.config.pacing.rate,
      burst: d.burst ?? ctx.config.pacing.burst,
      jitter_ms: d.jitter_ms ?? ctx.config.pacing.jitterMs,
      daily_cap: d.daily_cap ?? ctx.config.pacing.dailyCap,
    },
  });
  const select = sql`SELECT d.id, d.label, d.rate, d.burst, d.jitter_ms, d.daily_cap, d.enabled, d.lease_owner, d.lease_expires_at,
                            coalesce(c.sent, 0) AS sent_today, d.hold_kind, d.hold_reason, d.held_since, d.held_until, d.hold_probes
                     FROM devices d LEFT JOIN device_daily_counts c
                       ON c.device = d.id AND c.day = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

  app.get('/api/devices', async () => ({ devices: (await rows<DeviceRow>(db, sql`${select} ORDER BY d.id`)).map(view) }));

  app.put('/api/devices/:id', async (req) => {
    const { id } = parse(deviceId, req.params);
    const p = parse(devicePatch, req.body);
    await db.execute(sql`INSERT INTO devices (id) VALUES (${id}) ON CONFLICT (id) DO NOTHING`);
    const set = Object.entries(p).map(([k, v]) => sql`${sql.identifier(k)} = ${v}`);
    if (set.length) await db.execute(sql`UPDATE devices SET ${sql.join(set, sql`, `)} WHERE id = ${id}`);
    const [row] = await rows<DeviceRow>(db, sql`${select} WHERE d.id = ${id}`);
    return view(row!);
  });

  /** Ends a device's hold now: the next send goes at the normal pace (a person fixed the token or the phone). */
  app.post('/api/devices/:id/resume', async (req) => {
    const { id } = parse(deviceId, req.params);
    const [found] = await rows<{ id: string }>(db, sql`SELECT id FROM devices WHERE id = ${id}`);
    if (!found) throw new AppError('not_found', 'No such device');
    if (await clearHold(db, id)) ctx.log.info({ device: id }, 'device sending resumed by hand');
    ctx.wakeEngine();
    const [row] = await rows<DeviceRow>(db, sql`${select} WHERE d.id = ${id}`);
    return view(row!);
  });
}
