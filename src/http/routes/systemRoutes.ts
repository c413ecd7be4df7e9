import type { FastifyInstance } from 'fastify';
import { getBlast } from '../../blasts/blastView.ts';
import { readLookupState } from '../../track/statusLookupState.ts';
import type { AppContext } from '../context.ts';
import { openEventStream } from '../eventStream.ts';
import { idParam, parse } from '../schemas.ts';

export async function systemRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;

  app.get('/healthz', async (_req, reply) => {
    const ok = await ctx.database.ping();
    reply.status(ok ? 200 : 503);
    // Lookups that do not exist are not an outage (webhooks carry the statuses), so ok stays true.
    const lookup = ok ? await readLookupState(db).catch(() => null) : null;
    const statusLookup = lookup && { state: lookup.available ? 'available' : 'unavailable', reason: lookup.reason, since: lookup.since };
    return { ok, database: ok ? 'up' : 'down', driver: ctx.database.kind, simulator: ctx.simulator, status_lookup: statusLookup };
  });

  // Behind API_TOKEN when one is set (src/http/auth.ts): the counters describe traffic volume and devices.
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

  /** Server-sent events: the blast's report at connect and whenever its funnel changes. */
  app.get('/api/blasts/:id/events', async (req, reply) => {
    const { id } = parse(idParam, req.params);
    await getBlast(db, id);
    let unsubscribe = () => {};
    const send = openEventStream(reply, ctx.longRequests, () => unsubscribe());
    unsubscribe = ctx.hub.subscribe(id, (payload) => send('report', payload));
  });
}
