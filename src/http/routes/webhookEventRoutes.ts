import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../../db/client.ts';
import { reprocessWebhookEvents } from '../../track/reprocessWebhookEvents.ts';
import { ENABLE_STATUS_REMINDER, publicBase, webhookUrl } from '../../webhooks/webhookUrl.ts';
import type { AppContext } from '../context.ts';
import { pageQuery, parse } from '../schemas.ts';

const RESULTS = ['applied', 'waiting', 'ignored', 'not_understood'] as const;

const eventsQuery = pageQuery.extend({
  unmatched: z.enum(['true', 'false']).optional(),
  result: z.enum(RESULTS).optional(),
});

const reprocessBody = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000).optional() });

/** The webhook inbox: what arrived (raw), what became of it, re-reading what was not understood, and the URL to configure. */
export async function webhookEventRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;

  app.get('/api/webhook-events', async (req) => {
    const q = parse(eventsQuery, req.query);
    // Rows from before raw bodies were kept have no result: read it from applied_at.
    const result = sql`coalesce(result, CASE WHEN applied_at IS NULL THEN 'waiting' ELSE 'applied' END)`;
    const events = await rows<{ request_id: number | null }>(
      db,
      sql`SELECT id, received_at, kind, message_id, status, ${result} AS result, outcome, applied_at, request_id, ordinal, payload
          FROM webhook_events
          WHERE ${q.unmatched === 'true' ? sql`applied_at IS NULL` : sql`true`}
            AND ${q.result ? sql`${result} = ${q.result}` : sql`true`}
          ORDER BY id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
    );
    // Each raw request once, however many of its events are listed.
    const ids = [...new Set(events.map((e) => e.request_id).filter((id): id is number => id !== null))];
    const requests = ids.length
      ? await rows(
          db,
          sql`SELECT id, received_at, content_type, secret_in, body FROM webhook_requests
              WHERE id IN (SELECT json_array_elements_text(${JSON.stringify(ids)}::json)::bigint) ORDER BY id DESC`,
        )
      : [];
    return { events, requests, limit: q.limit, offset: q.offset };
  });

  app.post('/api/webhook-events/reprocess', async (req) => {
    const { ids } = parse(reprocessBody, req.body);
    const counts = await reprocessWebhookEvents(
      db,
      { region: ctx.config.phoneRegion, replyWindowHours: ctx.config.replyWindowHours, pollMode: ctx.config.pollMode, ids },
      (changed) => ctx.hub.markChanged(changed),
    );
    return { success: true, ...counts };
  });

  app.get('/api/webhook-url', async (req) => {
    const { reveal } = parse(z.object({ reveal: z.enum(['true', 'false']).optional() }), req.query);
    const secret = ctx.config.webhookSecret;
    if (!secret)
      return { configured: false, url: null, reason: 'WEBHOOK_SECRET is not set: webhooks are refused', reminder: ENABLE_STATUS_REMINDER };
    const base = publicBase(ctx.config.publicUrl, req, ctx.config.port);
    const { url, masked } = webhookUrl(base, secret);
    return {
      configured: true,
      url: reveal === 'true' ? url : masked,
      masked: reveal !== 'true',
      public_url_set: Boolean(ctx.config.publicUrl),
      reminder: ENABLE_STATUS_REMINDER,
    };
  });
}
