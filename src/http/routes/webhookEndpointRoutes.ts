import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { DELIVERY_STATES, listDeliveries, redeliver } from '../../outbound/deliveryLog.ts';
import { EVENT_TYPES, createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, patchEndpoint, rotateSecret } from '../../outbound/endpointStore.ts';
import type { AppContext } from '../context.ts';
import { idParam, pageQuery, parse } from '../schemas.ts';

// http(s) only. Internal addresses are allowed on purpose: the operator who holds the API token
// is trusted, and a CRM on the same private network is a normal target.
const endpointUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000);
const events = z
  .array(z.enum(EVENT_TYPES))
  .min(1, 'must list at least one event type')
  .transform((e) => [...new Set(e)]);

const createBody = z.strictObject({ url: endpointUrl, events });
const patchBody = z.strictObject({ url: endpointUrl.optional(), events: events.optional(), enabled: z.boolean().optional() });
const deliveryParams = idParam.extend({ deliveryId: z.string().regex(/^msg_\w{1,64}$/, 'must be a delivery id (msg_…)') });
const deliveriesQuery = pageQuery.extend({ status: z.enum(DELIVERY_STATES).optional() });

/** Outbound webhook endpoints (Standard Webhooks), their delivery log and redelivery. */
export async function webhookEndpointRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;

  app.post('/api/webhook-endpoints', async (req, reply) => {
    const b = parse(createBody, req.body);
    reply.status(201);
    return createEndpoint(db, b.url, b.events);
  });

  app.get('/api/webhook-endpoints', async () => ({ endpoints: await listEndpoints(db) }));

  app.get('/api/webhook-endpoints/:id', async (req) => {
    const { id } = parse(idParam, req.params);
    const found = await getEndpoint(db, id);
    if (!found) throw notFound('Webhook endpoint');
    return found;
  });

  app.patch('/api/webhook-endpoints/:id', async (req) => {
    const { id } = parse(idParam, req.params);
    const p = parse(patchBody, req.body);
    const patched = await patchEndpoint(db, id, p);
    if (!patched) throw notFound('Webhook endpoint');
    return patched;
  });

  app.delete('/api/webhook-endpoints/:id', async (req) => {
    const { id } = parse(idParam, req.params);
    if (!(await deleteEndpoint(db, id))) throw notFound('Webhook endpoint');
    return { success: true };
  });

  app.post('/api/webhook-endpoints/:id/rotate-secret', async (req) => {
    const { id } = parse(idParam, req.params);
    const secret = await rotateSecret(db, id);
    if (!secret) throw notFound('Webhook endpoint');
    return { id, secret };
  });

  app.get('/api/webhook-endpoints/:id/deliveries', async (req) => {
    const { id } = parse(idParam, req.params);
    const q = parse(deliveriesQuery, req.query);
    if (!(await getEndpoint(db, id))) throw notFound('Webhook endpoint');
    return listDeliveries(db, id, q);
  });

  app.post('/api/webhook-endpoints/:id/deliveries/:deliveryId/redeliver', async (req, reply) => {
    const { id, deliveryId } = parse(deliveryParams, req.params);
    if (!(await redeliver(db, id, deliveryId))) throw notFound('Delivery');
    reply.status(202);
    return { success: true, id: deliveryId };
  });
}
