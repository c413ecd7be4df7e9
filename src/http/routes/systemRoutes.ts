import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { getBlast } from '../../blasts/blastView.ts';
import { rows } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { SESSION_COOKIE, safeEqual, sessionValue } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { openEventStream } from '../eventStream.ts';
import { idParam, pageQuery, parse } from '../schemas.ts';
import { z } from 'zod';

export async function systemRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;

  app.get('/healthz', async (_req, reply) => {
    const ok = await ctx.database.ping();
    reply.status(ok ? 200 : 503);
    return { ok, database: ok ? 'up' : 'down', driver: ctx.database.kind, simulator: ctx.simulator };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get('/api/meta', async () => ({
    simulator: ctx.simulator,
    auth_required: Boolean(ctx.config.apiToken),
    default_device: ctx.config.gateway.device,
    version: ctx.version,
  }));

  app.post('/api/session', async (req, reply) => {
    const { token } = parse(z.strictObject({ token: z.string().min(1).max(500) }), req.body);
    const expected = ctx.config.apiToken;
    if (!expected) return { success: true, auth_required: false };
    if (!safeEqual(token, expected)) throw new AppError('unauthorized', 'That token is not right');
    reply.setCookie(SESSION_COOKIE, sessionValue(expected), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.protocol === 'https',
      path: '/',
      maxAge: 30 * 24 * 3600,
    });
    return { success: true };
  });

  app.delete('/api/session', async (_req, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { success: true };
  });

  /** Server-sent events: the blast's report at connect and whenever its funnel changes. */
  app.get('/api/blasts/:id/events', async (req, reply) => {
    const { id } = parse(idParam, req.params);
    await getBlast(db, id);
    let unsubscribe = () => {};
    const send = openEventStream(req, reply, () => unsubscribe());
    unsubscribe = ctx.hub.subscribe(id, (payload) => send('report', payload));
  });

  app.get('/api/webhook-events', async (req) => {
    const q = parse(pageQuery.extend({ unmatched: z.enum(['true', 'false']).optional() }), req.query);
    const found = await rows(
      db,
      sql`SELECT id, received_at, kind, message_id, status, outcome, applied_at, payload FROM webhook_events
          WHERE ${q.unmatched === 'true' ? sql`applied_at IS NULL` : sql`true`}
          ORDER BY id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
    );
    return { events: found, limit: q.limit, offset: q.offset };
  });
}
