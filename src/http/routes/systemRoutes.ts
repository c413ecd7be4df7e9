import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { healthAnswer, metaAnswer } from '../../api/connectionAnswers.ts';
import { getBlast } from '../../blasts/blastView.ts';
import { readLookupState } from '../../track/statusLookupState.ts';
import type { AppContext } from '../context.ts';
import { openEventStream } from '../eventStream.ts';
import type { Tag } from '../openapi.ts';
import { errors, textAnswer } from '../routeSchema.ts';
import { idParam } from '../schemas.ts';

export async function systemRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['System'];

  api.get(
    '/healthz',
    {
      schema: {
        tags,
        summary: 'Whether the database answers',
        security: [],
        response: { 200: healthAnswer.meta({ description: 'up' }), 503: healthAnswer.meta({ description: 'down' }) },
      },
    },
    async (_req, reply) => {
      const ok = await ctx.database.ping();
      reply.status(ok ? 200 : 503);
      // Lookups that do not exist are not an outage (webhooks carry the statuses), so ok stays true.
      const lookup = ok ? await readLookupState(db).catch(() => null) : null;
      const statusLookup = lookup && {
        state: lookup.available ? ('available' as const) : ('unavailable' as const),
        reason: lookup.reason,
        since: lookup.since,
      };
      return {
        ok,
        database: ok ? ('up' as const) : ('down' as const),
        driver: ctx.database.kind,
        simulator: ctx.simulator,
        status_lookup: statusLookup,
      };
    },
  );

  // Behind API_TOKEN when one is set (src/http/auth.ts): the counters describe traffic volume and devices.
  api.get(
    '/metrics',
    { schema: { tags, summary: 'Prometheus metrics', response: { 200: textAnswer('text/plain', 'Prometheus text format'), ...errors } } },
    async (_req, reply) => {
      reply.header('content-type', ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );

  api.get(
    '/api/meta',
    {
      schema: {
        tags,
        summary: 'What the dashboard needs to know: simulator or not, sign-in required, default device, version',
        response: { 200: metaAnswer, ...errors },
      },
    },
    async () => ({
      simulator: ctx.simulator,
      auth_required: Boolean(ctx.config.apiToken),
      default_device: ctx.config.gateway.device,
      version: ctx.version,
    }),
  );

  /** Server-sent events: the blast's report at connect and whenever its funnel changes. */
  api.get(
    '/api/blasts/:id/events',
    {
      schema: {
        tags: ['Reports'],
        summary: 'Server-sent events: the report whenever the funnel changes',
        params: idParam,
        response: { 200: textAnswer('text/event-stream', 'event: report, data: the report'), ...errors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      await getBlast(db, id);
      let unsubscribe = () => {};
      const send = openEventStream(reply, ctx.longRequests, () => unsubscribe());
      unsubscribe = ctx.hub.subscribe(id, (payload) => send('report', payload));
    },
  );
}
