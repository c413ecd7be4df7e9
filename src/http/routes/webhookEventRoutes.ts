import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { webhookUrlAnswer } from '../../api/connectionAnswers.ts';
import { EVENT_RESULTS, reprocessAnswer, webhookEventListAnswer } from '../../api/webhookAnswers.ts';
import { reprocessWebhookEvents } from '../../track/reprocessWebhookEvents.ts';
import { listWebhookEvents, webhookRequestsByIds } from '../../webhooks/webhookEventQueries.ts';
import { ENABLE_STATUS_REMINDER, publicBase, webhookUrl } from '../../webhooks/webhookUrl.ts';
import type { AppContext } from '../context.ts';
import type { Tag } from '../openapi.ts';
import { errors, example } from '../routeSchema.ts';
import { pageQuery } from '../schemas.ts';

const eventsQuery = pageQuery.extend({
  unmatched: z.enum(['true', 'false']).optional().meta({ example: 'true' }),
  result: z.enum(EVENT_RESULTS).optional().meta({ example: 'not_understood' }),
});

const reprocessBody = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000).optional() });

const trueOrFalse = z.enum(['true', 'false']).optional();

/** The webhook inbox: what arrived (raw), what became of it, re-reading what was not understood, and the URL to configure. */
export async function webhookEventRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Gateway webhooks'];

  api.get(
    '/api/webhook-events',
    {
      schema: {
        tags,
        summary:
          'The webhook inbox: each event with its result (applied, waiting, ignored, not_understood) and why, and the raw requests they came in; unmatched=true lists events waiting for their send, result= filters',
        querystring: eventsQuery,
        response: { 200: webhookEventListAnswer, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const events = await listWebhookEvents(db, { ...q, unmatched: q.unmatched === 'true' });
      const ids = [...new Set(events.map((e) => e.request_id).filter((id): id is number => id !== null))];
      return { events, requests: await webhookRequestsByIds(db, ids), limit: q.limit, offset: q.offset };
    },
  );

  api.post(
    '/api/webhook-events/reprocess',
    {
      schema: {
        tags,
        summary: 'Read not-understood events again with this version (all, or {ids}) and apply what it understands',
        body: example(reprocessBody, { ids: [1042, 1043] }),
        response: { 200: reprocessAnswer, ...errors },
      },
    },
    async (req) => {
      const counts = await reprocessWebhookEvents(
        db,
        { region: ctx.config.phoneRegion, replyWindowHours: ctx.config.replyWindowHours, pollMode: ctx.config.pollMode, ids: req.body.ids },
        (changed) => ctx.hub.markChanged(changed),
      );
      return { success: true as const, ...counts };
    },
  );

  api.get(
    '/api/webhook-url',
    {
      schema: {
        tags: ['Connection'],
        summary: 'The webhook URL to paste into WSAPME, secret masked (reveal=true shows it)',
        querystring: z.object({ reveal: trueOrFalse.meta({ example: 'false' }) }),
        response: { 200: webhookUrlAnswer, ...errors },
      },
    },
    async (req) => {
      const { reveal } = req.query;
      const secret = ctx.config.webhookSecret;
      if (!secret)
        return {
          configured: false as const,
          url: null,
          reason: 'WEBHOOK_SECRET is not set: webhooks are refused',
          reminder: ENABLE_STATUS_REMINDER,
        };
      const base = publicBase(ctx.config.publicUrl, req, ctx.config.port);
      const { url, masked } = webhookUrl(base, secret);
      return {
        configured: true as const,
        url: reveal === 'true' ? url : masked,
        masked: reveal !== 'true',
        public_url_set: Boolean(ctx.config.publicUrl),
        reminder: ENABLE_STATUS_REMINDER,
      };
    },
  );
}
