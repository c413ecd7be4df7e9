import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../../db/client.ts';
import { PlanReader } from '../../blasts/blastPlan.ts';
import { describePlan } from '../../domain/describePacing.ts';
import { normalisePhone } from '../../domain/phone.ts';
import { isOpen, parseSendWindow } from '../../domain/sendWindow.ts';
import { isTimeZone } from '../../domain/stageFunnel.ts';
import { DEVICE_PACING_COLUMNS, type DevicePacingColumns, UNSET_PACING_COLUMNS } from '../../send/deviceSends.ts';
import { deviceHealth } from '../../devices/deviceHealth.ts';
import { pauseDevice, resumeDevice } from '../../devices/devicePause.ts';
import { listProbablyBlocked } from '../../devices/probablyBlocked.ts';
import { PROBABLY_BLOCKED_DAYS } from '../../domain/deviceHealth.ts';
import { type HoldColumns, sendingState } from '../../send/deviceHold.ts';
import { releaseQueued } from '../../send/phoneSenders.ts';
import { AppError } from '../../errors.ts';
import { isoTime } from '../../util/pgTime.ts';
import type { AppContext } from '../context.ts';
import { text } from '../inputLimits.ts';
import { pacingPreset, pageQuery, parse } from '../schemas.ts';

const deviceId = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.-]+$/),
});
export const devicePatch = z
  .strictObject({
    label: text().max(100).nullable().optional(),
    rate: z.number().positive().max(10_000).nullable().optional(),
    burst: z.number().int().positive().max(10_000).nullable().optional(),
    jitter_ms: z.number().int().min(0).max(600_000).nullable().optional(),
    daily_cap: z.number().int().positive().nullable().optional(),
    enabled: z.boolean().optional(),
    // Pacing (README "Pacing"): null puts a knob back to the environment's default.
    preset: pacingPreset.nullable().optional(),
    send_window: z
      .string()
      .max(200)
      .nullable()
      .optional()
      .superRefine((v, c) => {
        const r = v == null ? null : parseSendWindow(v);
        if (r && !r.ok) c.addIssue({ code: 'custom', message: r.reason });
      }),
    send_timezone: z.string().max(64).refine(isTimeZone, 'is not a time zone name such as Asia/Kuala_Lumpur').nullable().optional(),
    hourly_cap: z.number().int().positive().max(100_000).nullable().optional(),
    min_gap_ms: z.number().int().min(0).max(3_600_000).nullable().optional(),
    max_gap_ms: z.number().int().min(0).max(3_600_000).nullable().optional(),
    in_use_since: z.iso.date({ message: 'must be a date such as 2026-01-31' }).nullable().optional(),
  })
  .refine((p) => p.min_gap_ms == null || p.max_gap_ms == null || p.max_gap_ms >= p.min_gap_ms, {
    message: 'must not be below min_gap_ms',
    path: ['max_gap_ms'],
  });

interface DeviceRow extends HoldColumns, DevicePacingColumns {
  paused_at: string | null;
  paused_reason: string | null;
  id: string;
  label: string | null;
  enabled: boolean;
  lease_owner: string | null;
  lease_expires_at: string | null;
}

/** Devices (WSAPME device ids) and their pacing overrides; null means "the env default". */
export async function deviceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const view = async (
    {
      hold_kind,
      hold_reason,
      held_since,
      held_until,
      hold_probes,
      warm_since_ms,
      last_sent_at_ms,
      paused_at: _p,
      paused_reason: _r,
      ...d
    }: DeviceRow,
    plans: PlanReader,
  ) => {
    // The plan the device sends by now, its caps counted per local day of its zone and per sliding hour.
    const { rules, history } = await plans.deviceRules(d.id);
    return {
      ...d,
      lease_expires_at: isoTime(d.lease_expires_at),
      last_sent_at: last_sent_at_ms === null ? null : new Date(last_sent_at_ms).toISOString(),
      sent_today: history.today,
      sent_last_hour: history.lastHour.length,
      sending: sendingState({ hold_kind, hold_reason, held_since, held_until, hold_probes }),
      effective: {
        preset: rules.preset,
        rate: rules.rate,
        burst: rules.burst,
        jitter_ms: rules.jitterMs,
        min_gap_ms: rules.minGapMs,
        max_gap_ms: rules.maxGapMs,
        hourly_cap: rules.hourlyCap,
        daily_cap: rules.dailyCap,
        send_window: rules.window.text,
        send_timezone: rules.timeZone,
        warm_up_day: rules.warmUpDay,
        window_open: isOpen(rules.window, rules.timeZone, ctx.clock.now()),
        summary: describePlan(rules),
      },
    };
  };
  const plans = () => new PlanReader(db, ctx.config, ctx.clock.now());
  const select = sql`SELECT d.id, d.label, d.enabled, d.lease_owner, d.lease_expires_at,
                            d.hold_kind, d.hold_reason, d.held_since, d.held_until, d.hold_probes, d.paused_at, d.paused_reason,
                            ${DEVICE_PACING_COLUMNS}
                     FROM devices d`;
  /** Each device's view with its health, counted against the pace it really sends by (its local day, its effective cap). */
  const views = async (found: DeviceRow[]) => {
    const p = plans();
    const shown = await Promise.all(found.map((d) => view(d, p)));
    const health = await deviceHealth(
      db,
      found.map((d, i) => ({
        id: d.id,
        enabled: d.enabled,
        held: d.hold_kind !== null,
        sent_today: shown[i]!.sent_today,
        daily_cap: shown[i]!.effective.daily_cap,
        paused_at: d.paused_at,
        paused_reason: d.paused_reason,
      })),
      ctx.config.healthPauseErrorRate,
    );
    return shown.map((v) => ({ ...v, health: health.get(v.id)! }));
  };
  const one = async (id: string) => {
    const found = await rows<DeviceRow>(db, sql`${select} WHERE d.id = ${id}`);
    if (found.length === 0) throw new AppError('not_found', 'No such device');
    return (await views(found))[0]!;
  };

  app.get('/api/devices', async () => {
    const found = await rows<DeviceRow>(db, sql`${select} ORDER BY d.id`);
    // The configured device is listed before its first send creates its row: the new-blast page shows its pace.
    const fallback = ctx.config.gateway.device;
    if (!found.some((d) => d.id === fallback)) found.unshift(unsavedDevice(fallback));
    return { devices: await views(found) };
  });

  const update = async (req: FastifyRequest) => {
    const { id } = parse(deviceId, req.params);
    const p = parse(devicePatch, req.body);
    await db.execute(sql`INSERT INTO devices (id) VALUES (${id}) ON CONFLICT (id) DO NOTHING`);
    const set = Object.entries(p).map(([k, v]) => sql`${sql.identifier(k)} = ${v}`);
    if (set.length) await db.execute(sql`UPDATE devices SET ${sql.join(set, sql`, `)} WHERE id = ${id}`);
    if (p.enabled === false) {
      // Taken out of service: what it was to send but never sent moves to the rest of each pool.
      const moved = await releaseQueued(db, id);
      if (moved > 0)
        ctx.log.info({ device: id, recipients: moved }, 'device disabled; its queued recipients go to the rest of their pools');
    }
    // A sender asleep until its window opens re-reads its settings now.
    ctx.wakeEngine();
    return one(id);
  };
  app.put('/api/devices/:id', update);
  app.patch('/api/devices/:id', update);

  /** Stops a device by hand: its recipients wait, new phones go to the rest of its pools. */
  app.post('/api/devices/:id/pause', async (req) => {
    const { id } = parse(deviceId, req.params);
    const { reason } = parse(z.strictObject({ reason: text().max(200).optional() }), req.body);
    await one(id);
    if (await pauseDevice(db, id, reason ? `paused by hand: ${reason}` : 'paused by hand'))
      ctx.log.info({ device: id }, 'device paused by hand');
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
}

function unsavedDevice(id: string): DeviceRow {
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
