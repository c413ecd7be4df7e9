import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  blastListAnswer,
  blastStateAnswer,
  blastViewAnswer,
  createBlastAnswer,
  reportAnswer,
  resendAnswer,
  sendAnswer,
} from '../../api/blastAnswers.ts';
import { getBlast, listBlasts } from '../../blasts/blastView.ts';
import { createBlast } from '../../blasts/createBlast.ts';
import { cancelBlast, pauseBlast, resendRecipients, resumeBlast, sendBlast } from '../../blasts/lifecycle.ts';
import { PlanReader, queuedAhead } from '../../blasts/blastPlan.ts';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../context.ts';
import { fromJson, fromMultipart, isJsonType } from '../blastInput.ts';
import { type CreateBlastBody, createBlastBody, followUpBody, idParam, pageQuery, resendBody } from '../schemas.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { errors, example } from '../routeSchema.ts';
import { isSettled, waitForSettled } from '../longRequests.ts';
import { LIMITS } from '../inputLimits.ts';
import { createFollowUp } from '../../blasts/followUp.ts';

export async function blastRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const limits = { region: ctx.config.phoneRegion, maxRecipients: ctx.config.maxRecipients };
  const log = ctx.log.child({ component: 'blasts' });
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Blasts'];
  const params = idParam;

  const plans = () => new PlanReader(db, ctx.config, ctx.clock.now());
  api.get(
    '/api/blasts',
    {
      schema: {
        tags,
        summary: 'List blasts, newest first, each with its funnel',
        querystring: pageQuery,
        response: { 200: blastListAnswer, ...errors },
      },
    },
    async (req) => listBlasts(db, req.query, plans()),
  );

  const create = async (req: FastifyRequest<{ Body: CreateBlastBody }>, reply: FastifyReply) => {
    if (!req.isMultipart() && req.body !== undefined && !isJsonType(req.headers['content-type'])) {
      // Fastify parses text/plain too; a blast is JSON or a CSV upload, nothing else.
      throw new AppError('unsupported_media_type', 'Send application/json, or multipart/form-data with a CSV file');
    }
    const input = req.isMultipart() ? await fromMultipart(req, ctx) : fromJson(req, ctx);
    // The identical-text warning depends on the pace the blast will go at (none under `fast`).
    const reader = plans();
    const preset = await reader.preset(input.device, input.pacingPreset ?? null);
    const result = await createBlast(db, input, { ...limits, variation: { warnAt: ctx.config.identicalTextWarnAt, preset } });
    if (input.dryRun) {
      // What sending it now would do: after what the device still has queued, at its pace.
      const ahead = await queuedAhead(db, input.device, Number.MAX_SAFE_INTEGER);
      return { ...result, plan: await reader.plan(input.device, input.pacingPreset ?? null, result.total_recipients, ahead, true) };
    }
    reply.status(201);
    if (result.blast_id)
      log.info(
        { blast: result.blast_id, recipients: result.total_recipients },
        `blast #${result.blast_id} created with ${result.total_recipients} recipients`,
      );
    return result;
  };
  // Both take JSON and a multipart CSV upload; the body schema checks JSON only (a form is read part by part).
  const created = {
    200: createBlastAnswer.meta({
      description: 'dry_run: what it would create, who was messaged recently, how varied the texts are, the plan',
    }),
    201: example(createBlastAnswer, EXAMPLE.createResult),
    ...errors,
  };
  api.post(
    '/api/blasts',
    {
      bodyLimit: LIMITS.blastJsonBytes,
      attachValidation: true,
      schema: {
        tags,
        summary:
          'Create a blast (JSON, or multipart/form-data with a CSV "file"); the message takes {{variables}} and spintax {a|b}; pacing_preset overrides the device\'s pace; dry_run validates only',
        body: example(createBlastBody, EXAMPLE.createBlast),
        response: created,
      },
    },
    create,
  );
  api.post(
    '/api/blasts/upload',
    {
      attachValidation: true,
      schema: {
        tags,
        summary:
          'Create a blast from a CSV upload (multipart/form-data: file, message, blast_tag, …); a phone column, the others become template variables. JSON is taken as by POST /api/blasts',
        body: example(createBlastBody, EXAMPLE.createBlast),
        response: created,
      },
    },
    create,
  );

  api.get(
    '/api/blasts/:id',
    {
      schema: {
        tags,
        summary:
          'One blast with its funnel and its pace: plan {preset, summary, eta_seconds, finishes_at, eta_text, waiting_for_window, window_opens_at, note}',
        params,
        response: { 200: blastViewAnswer, ...errors },
      },
    },
    async (req) => getBlast(db, req.params.id, plans()),
  );
  api.get(
    '/api/blasts/:id/report',
    {
      schema: {
        tags: ['Reports'],
        summary: 'The funnel: sent, received, read, replied, closed and more',
        params,
        response: { 200: example(reportAnswer, EXAMPLE.report), ...errors },
      },
    },
    // getBlast answers 404 for an unknown blast and carries the report: one read, not two.
    async (req) => (await getBlast(db, req.params.id)).report,
  );

  api.post(
    '/api/blasts/:id/send',
    {
      schema: {
        tags,
        summary: 'Start now (or at scheduled_at); ?wait=true blocks until done',
        params,
        querystring: z.object({
          wait: z.string().optional().meta({ description: 'true: answer once the blast has finished', example: 'true' }),
        }),
        response: { 200: example(sendAnswer, EXAMPLE.send), ...errors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const wait = req.query.wait === 'true';
      const release = wait ? ctx.longRequests.acquire() : null;
      try {
        const state = await sendBlast(db, id);
        ctx.wakeEngine();
        log.info({ blast: id, state }, state === 'scheduled' ? `blast #${id} scheduled` : `blast #${id} started sending`);
        if (wait) await waitOnFeed(ctx, id, reply.raw);
        const blast = await getBlast(db, id);
        const report = blast.report;
        return {
          success: true as const,
          sent: report.sent,
          failed: report.failed,
          queued: report.queued,
          uncertain: report.uncertain,
          state: wait ? blast.state : state,
        };
      } finally {
        release?.();
      }
    },
  );
  api.post(
    '/api/blasts/:id/follow-up',
    {
      schema: {
        tags,
        summary: 'Create the next blast from a funnel segment of this one',
        params,
        body: example(followUpBody, EXAMPLE.followUp),
        response: created,
      },
    },
    async (req, reply) => {
      const b = req.body;
      const result = await createFollowUp(
        db,
        req.params.id,
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
    },
  );
  const actions = [
    ['pause', 'Pause before the next message', 'paused', pauseBlast, 'paused'],
    ['resume', 'Resume a paused blast', 'sending', resumeBlast, 'resumed'],
    ['cancel', 'Cancel; recipients not yet sent become SKIPPED', 'cancelled', cancelBlast, 'cancelled'],
  ] as const;
  for (const [action, summary, shows, run, done] of actions) {
    api.post(
      `/api/blasts/:id/${action}`,
      { schema: { tags, summary, params, response: { 200: example(blastStateAnswer, { success: true, state: shows }), ...errors } } },
      async (req) => {
        const { id } = req.params;
        const state = await run(db, id);
        if (action === 'resume') ctx.wakeEngine();
        log.info({ blast: id, ...(action === 'resume' && { state }) }, `blast #${id} ${done}`);
        return { success: true as const, state };
      },
    );
  }
  api.post(
    '/api/blasts/:id/resend',
    {
      schema: {
        tags,
        summary:
          'Requeue UNCERTAIN and/or retryable FAILED recipients on purpose (they may get the message twice; a number not on WhatsApp is not retried); dry_run counts',
        params,
        body: example(resendBody, EXAMPLE.resend),
        response: { 200: example(resendAnswer, { success: true, requeued: 3, not_retryable: 1 }), ...errors },
      },
    },
    async (req) => {
      const { statuses, dry_run } = req.body;
      const result = await resendRecipients(db, req.params.id, statuses, dry_run);
      if (!dry_run) ctx.wakeEngine();
      return { success: true as const, ...result };
    },
  );
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
