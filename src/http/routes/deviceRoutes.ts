import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviceAnswer, deviceListAnswer, probablyBlockedListAnswer } from '../../api/deviceAnswers.ts';
import { findDeviceRow, listDeviceRows, saveDeviceSettings, unsavedDevice } from '../../devices/deviceQueries.ts';
import { pauseDevice, resumeDevice } from '../../devices/devicePause.ts';
import { deviceViews } from '../../devices/deviceView.ts';
import { listProbablyBlocked } from '../../devices/probablyBlocked.ts';
import { PROBABLY_BLOCKED_DAYS } from '../../domain/deviceHealth.ts';
import { isTimeZone } from '../../domain/stageFunnel.ts';
import { parseSendWindow } from '../../domain/sendWindow.ts';
import { releaseQueued } from '../../send/phoneSenders.ts';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../context.ts';
import { text } from '../inputLimits.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { errors, example } from '../routeSchema.ts';
import { pacingPreset, pageQuery } from '../schemas.ts';

const deviceId = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.-]+$/)
    .meta({ description: 'The WSAPME device id', example: '5850' }),
});
const devicePatch = z
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

const pauseBody = z.strictObject({ reason: text().max(200).optional() });

/** Devices (WSAPME device ids) and their pacing overrides; null means "the env default". */
export async function deviceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Devices'];
  const params = deviceId;
  const device = { 200: deviceAnswer, ...errors };

  const one = async (id: string) => {
    const found = await findDeviceRow(db, id);
    if (!found) throw new AppError('not_found', 'No such device');
    return (await deviceViews(db, [found], ctx.config, ctx.clock.now()))[0]!;
  };

  api.get(
    '/api/devices',
    {
      schema: {
        tags,
        summary:
          'Devices with their pacing (overrides, and the effective plan in words), messages sent today (local day) and in the last hour, sending state (running, or held: kind, reason, retry_at) and health (sent today vs cap, error rate over the last 50 sends, last refusal, paused, numbers that probably blocked it)',
        response: { 200: deviceListAnswer, ...errors },
      },
    },
    async () => {
      const found = await listDeviceRows(db);
      // The configured device is listed before its first send creates its row: the new-blast page shows its pace.
      const fallback = ctx.config.gateway.device;
      if (!found.some((d) => d.id === fallback)) found.unshift(unsavedDevice(fallback));
      return { devices: await deviceViews(db, found, ctx.config, ctx.clock.now()) };
    },
  );

  for (const [method, summary] of [
    [
      'put',
      'Set pacing overrides of a device (preset, send_window, send_timezone, hourly_cap, daily_cap, gaps, in_use_since…; null: the env default)',
    ],
    ['patch', 'As PUT: only the fields given change'],
  ] as const) {
    api[method](
      '/api/devices/:id',
      { schema: { tags, summary, params, body: example(devicePatch, EXAMPLE.devicePatch), response: device } },
      async (req) => {
        const { id } = req.params;
        const p = req.body;
        await saveDeviceSettings(db, id, p);
        if (p.enabled === false) {
          // Taken out of service: what it was to send but never sent moves to the rest of each pool.
          const moved = await releaseQueued(db, id);
          if (moved > 0)
            ctx.log.info({ device: id, recipients: moved }, 'device disabled; its queued recipients go to the rest of their pools');
        }
        // A sender asleep until its window opens re-reads its settings now.
        ctx.wakeEngine();
        return one(id);
      },
    );
  }

  /** Stops a device by hand: its recipients wait, new phones go to the rest of its pools. */
  api.post(
    '/api/devices/:id/pause',
    {
      schema: {
        tags,
        summary: 'Pause a device by hand ({reason?}): its numbers wait, new phones go to the rest of its pools',
        params,
        body: example(pauseBody, { reason: 'the phone is being replaced' }),
        response: device,
      },
    },
    async (req) => {
      const { id } = req.params;
      const { reason } = req.body;
      await one(id);
      if (await pauseDevice(db, id, reason ? `paused by hand: ${reason}` : 'paused by hand'))
        ctx.log.info({ device: id }, 'device paused by hand');
      return one(id);
    },
  );

  /** Numbers this device messaged that stayed undelivered for 7 days: they probably blocked it. Opt them out with POST /api/opt-outs. */
  api.get(
    '/api/devices/:id/probably-blocked',
    {
      schema: {
        tags,
        summary: 'Numbers this device messaged that stayed undelivered for 7 days (probably blocked it); opt out with POST /api/opt-outs',
        params,
        querystring: pageQuery,
        response: { 200: probablyBlockedListAnswer, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params;
      const page = req.query;
      await one(id);
      return { device: id, days: PROBABLY_BLOCKED_DAYS, ...(await listProbablyBlocked(db, id, page)), ...page };
    },
  );

  /**
   * Ends a device's hold or pause now: the next send goes at the normal pace (a person fixed the
   * token or the phone, or judged the errors). A pause's error window starts afresh.
   */
  api.post(
    '/api/devices/:id/resume',
    {
      schema: {
        tags,
        summary:
          "End a held or paused device's hold or pause now (token fixed, phone back online, errors judged); the error window starts afresh",
        params,
        response: device,
      },
    },
    async (req) => {
      const { id } = req.params;
      await one(id);
      const was = await resumeDevice(db, id);
      if (was.wasHeld || was.wasPaused) ctx.log.info({ device: id, ...was }, 'device sending resumed by hand');
      ctx.wakeEngine();
      return one(id);
    },
  );
}
