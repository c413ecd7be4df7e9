import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getBlast, listBlasts } from '../../blasts/blastView.ts';
import { type CreateBlastInput, createBlast } from '../../blasts/createBlast.ts';
import { cancelBlast, pauseBlast, resendRecipients, resumeBlast, sendBlast } from '../../blasts/lifecycle.ts';
import { parseRecipientsCsv } from '../../blasts/parseCsv.ts';
import { type RawRecipient, RecipientPreparer } from '../../blasts/prepareRecipients.ts';
import { PlanReader, queuedAhead } from '../../blasts/blastPlan.ts';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../context.ts';
import { createBlastBody, followUpBody, idParam, pageQuery, parse, resendBody, uploadFields } from '../schemas.ts';
import { isSettled, waitForSettled } from '../longRequests.ts';
import { LIMITS, checkRecipient } from '../inputLimits.ts';
import { createFollowUp } from '../../blasts/followUp.ts';
import type { PacingPreset } from '../../domain/pacingRules.ts';

const CSV_MAX_BYTES = 50 * 1024 * 1024;

export async function blastRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const limits = { region: ctx.config.phoneRegion, maxRecipients: ctx.config.maxRecipients };
  const log = ctx.log.child({ component: 'blasts' });

  const plans = () => new PlanReader(db, ctx.config, ctx.clock.now());
  app.get('/api/blasts', async (req) => listBlasts(db, parse(pageQuery, req.query), plans()));

  const create = async (req: FastifyRequest, reply: { status(n: number): unknown }) => {
    if (!req.isMultipart() && req.body !== undefined && !isJsonType(req.headers['content-type'])) {
      // Fastify parses text/plain too; a blast is JSON or a CSV upload, nothing else.
      throw new AppError('unsupported_media_type', 'Send application/json, or multipart/form-data with a CSV file');
    }
    const input = req.isMultipart() ? await fromMultipart(req, ctx) : fromJson(req.body, ctx);
    // The identical-text warning depends on the pace the blast will go at (none under `fast`).
    const reader = plans();
    const preset = await reader.preset(input.device, input.pacingPreset ?? null);
    const result = await createBlast(db, input, { ...limits, variation: { warnAt: ctx.config.identicalTextWarnAt, preset } });
    if (!input.dryRun) reply.status(201);
    if (input.dryRun) {
      // What sending it now would do: after what the device still has queued, at its pace.
      const ahead = await queuedAhead(db, input.device, Number.MAX_SAFE_INTEGER);
      return { ...result, plan: await reader.plan(input.device, input.pacingPreset ?? null, result.total_recipients, ahead, true) };
    }
    if (result.blast_id)
      log.info(
        { blast: result.blast_id, recipients: result.total_recipients },
        `blast #${result.blast_id} created with ${result.total_recipients} recipients`,
      );
    return result;
  };
  app.post('/api/blasts', { bodyLimit: LIMITS.blastJsonBytes }, create);
  app.post('/api/blasts/upload', create);

  app.get('/api/blasts/:id', async (req) => getBlast(db, parse(idParam, req.params).id, plans()));
  app.get('/api/blasts/:id/report', async (req) => {
    const { id } = parse(idParam, req.params);
    // getBlast answers 404 for an unknown blast and carries the report: one read, not two.
    return (await getBlast(db, id)).report;
  });

  app.post('/api/blasts/:id/send', async (req, reply) => {
    const { id } = parse(idParam, req.params);
    const wait = (req.query as Record<string, string>)?.wait === 'true';
    const release = wait ? ctx.longRequests.acquire() : null;
    try {
      const state = await sendBlast(db, id);
      ctx.wakeEngine();
      log.info({ blast: id, state }, state === 'scheduled' ? `blast #${id} scheduled` : `blast #${id} started sending`);
      if (wait) await waitOnFeed(ctx, id, reply.raw);
      const blast = await getBlast(db, id);
      const report = blast.report;
      return {
        success: true,
        sent: report.sent,
        failed: report.failed,
        queued: report.queued,
        uncertain: report.uncertain,
        state: wait ? blast.state : state,
      };
    } finally {
      release?.();
    }
  });
  app.post('/api/blasts/:id/follow-up', async (req, reply) => {
    const { id } = parse(idParam, req.params);
    const b = parse(followUpBody, req.body);
    const result = await createFollowUp(
      db,
      id,
      {
        segment: b.segment,
        message: b.message,
        tag: b.blast_tag || null,
        followUpStage: b.follow_up_stage || null,
        scheduledAt: b.scheduled_at ? new Date(b.scheduled_at) : null,
        dryRun: b.dry_run ?? false,
      },
      limits,
    );
    if (!b.dry_run) reply.status(201);
    return result;
  });
  app.post('/api/blasts/:id/pause', async (req) => {
    const { id } = parse(idParam, req.params);
    const state = await pauseBlast(db, id);
    log.info({ blast: id }, `blast #${id} paused`);
    return { success: true, state };
  });
  app.post('/api/blasts/:id/resume', async (req) => {
    const { id } = parse(idParam, req.params);
    const state = await resumeBlast(db, id);
    ctx.wakeEngine();
    log.info({ blast: id, state }, `blast #${id} resumed`);
    return { success: true, state };
  });
  app.post('/api/blasts/:id/cancel', async (req) => {
    const { id } = parse(idParam, req.params);
    const state = await cancelBlast(db, id);
    log.info({ blast: id }, `blast #${id} cancelled`);
    return { success: true, state };
  });
  app.post('/api/blasts/:id/resend', async (req) => {
    const { id } = parse(idParam, req.params);
    const { statuses, dry_run } = parse(resendBody, req.body);
    const result = await resendRecipients(db, id, statuses, dry_run);
    if (!dry_run) ctx.wakeEngine();
    return { success: true, ...result };
  });
}

const WAIT_MS = 15 * 60_000;

/** ?wait=true: until the blast leaves sending/scheduled, on the funnel feed; the database has the last word. */
async function waitOnFeed(ctx: AppContext, id: number, raw: NodeJS.EventEmitter): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  const gone = new AbortController();
  raw.once('close', () => gone.abort());
  // The feed may still hold a settled state from before this send: when it disagrees with the
  // database, the next look waits a beat for the feed's refresh instead of spinning.
  let disagreed = false;
  for (;;) {
    const blast = await getBlast(ctx.database.db, id);
    if (isSettled(blast.state) || gone.signal.aborted) return;
    if (Date.now() > deadline) throw new AppError('timeout', `Blast ${id} is still ${blast.state}; its report keeps filling`);
    if (disagreed) await new Promise((r) => setTimeout(r, 100));
    ctx.hub.markChanged([id]);
    disagreed = await waitForSettled(ctx.hub, id, deadline - Date.now(), gone.signal);
  }
}

/**
 * `device` alone: a pool of one (the seed's field). `devices`: the pool, its first the primary
 * (blasts.device). Both: `device` must be one of `devices` and becomes the primary.
 */
function senderPool(device: string | undefined, devices: string[] | undefined, fallback: string): { device: string; devices: string[] } {
  if (!devices) return { device: device ?? fallback, devices: [] };
  if (device !== undefined && !devices.includes(device)) {
    throw new AppError('validation_failed', "device: must be one of devices (it is the pool's primary device)", [
      { field: 'device', message: 'not one of devices' },
    ]);
  }
  const primary = device ?? devices[0]!;
  return { device: primary, devices: devices.filter((d) => d !== primary) };
}

const isJsonType = (type: string | undefined): boolean => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type ?? '');

function fromJson(body: unknown, ctx: AppContext): CreateBlastInput {
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new AppError('bad_request', 'Send a JSON object: {"recipients": [...], "message": "..."}');
  }
  const b = parse(createBlastBody, body);
  const recipients: RawRecipient[] = b.recipients.map((r, i) => {
    const row =
      typeof r === 'string' ? { phone: r, vars: {} } : (({ phone, ...vars }) => ({ phone, vars: vars as Record<string, string> }))(r);
    checkRecipient(`recipients.${i}`, row.phone, row.vars, b.message);
    return row;
  });
  return toInput(b, recipients, b.dry_run ?? false, ctx);
}

async function fromMultipart(req: FastifyRequest, ctx: AppContext): Promise<CreateBlastInput> {
  const fields: Record<string, string> = {};
  let recipients: RecipientPreparer | null = null;
  try {
    for await (const part of req.parts({ limits: { fileSize: CSV_MAX_BYTES, files: 1, fields: 20 } })) {
      if (part.type === 'file') {
        // Each row is normalised as it is read; only the prepared recipients are kept (bench rss_peak).
        const preparer = new RecipientPreparer(ctx.config.phoneRegion);
        // The message field may come after the file: rows are checked for their variables now and
        // for the rendered length once the message is known.
        let row = 1;
        await parseRecipientsCsv(part.file, ctx.config.maxRecipients * 2, (r) => {
          checkRecipient(`file row ${++row}`, r.phone, r.vars, '');
          preparer.add(r);
        });
        recipients = preparer;
        if (part.file.truncated) throw new AppError('payload_too_large', `The CSV is larger than ${CSV_MAX_BYTES / 1024 / 1024} MB`);
      } else {
        fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (err) {
    // Our errors and Fastify's coded ones (limits) keep their status; anything else busboy throws
    // ("Boundary not found", "Unexpected end of multipart data") is a malformed request, not a 500.
    if (err instanceof AppError || (err as { code?: unknown }).code !== undefined) throw err;
    throw new AppError('bad_request', `The upload is not valid multipart/form-data: ${(err as Error).message ?? 'malformed'}`);
  }
  if (!recipients)
    throw new AppError('validation_failed', 'file: attach a CSV file in the "file" field', [{ field: 'file', message: 'missing' }]);
  const f = parse(uploadFields, fields);
  (recipients as RecipientPreparer).result().valid.forEach((r, i) => {
    checkRecipient(`file recipient ${i + 1}`, r.phone, r.vars, f.message);
  });
  return toInput(f, recipients, f.dry_run, ctx);
}

function toInput(
  b: {
    blast_tag?: string | null;
    message: string;
    follow_up_stage?: string | null;
    scheduled_at?: string | null;
    device?: string | undefined;
    pacing_preset?: PacingPreset | null | undefined;
    devices?: string[] | undefined;
  },
  recipients: CreateBlastInput['recipients'],
  dryRun: boolean,
  ctx: AppContext,
): CreateBlastInput {
  return {
    tag: b.blast_tag || null,
    message: b.message,
    followUpStage: b.follow_up_stage || null,
    scheduledAt: b.scheduled_at ? new Date(b.scheduled_at) : null,
    ...senderPool(b.device, b.devices, ctx.config.gateway.device),
    pacingPreset: b.pacing_preset ?? null,
    recipients,
    dryRun,
  };
}
