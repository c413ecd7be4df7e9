import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.ts';
import { parseWebhook } from '../../engine/parseWebhook.ts';
import { safeEqual } from '../auth.ts';
import type { AppContext } from '../context.ts';

/**
 * POST /webhooks/wsapme. The secret comes as ?token= (gateways often let you set only a URL) or
 * X-Webhook-Secret, compared in constant time. 200 means committed: the answer waits for the
 * group commit, and a database failure answers 503 so the gateway retries.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post('/webhooks/wsapme', { bodyLimit: 256 * 1024 }, async (req) => {
    const secret = ctx.config.webhookSecret;
    const given = (req.headers['x-webhook-secret'] as string | undefined) ?? (req.query as Record<string, string>)?.token;
    if (!secret || !ctx.webhooks || typeof given !== 'string' || !safeEqual(given, secret)) {
      throw new AppError('unauthorized', 'Webhook secret missing or wrong');
    }
    const events = parseWebhook(req.body);
    try {
      await ctx.webhooks.submit(events);
    } catch {
      throw new AppError('database_unavailable', 'Event not stored; retry');
    }
    return { ok: true, accepted: events.length };
  });
}
