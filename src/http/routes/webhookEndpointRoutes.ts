import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.ts';
import { listDeliveries, redeliver } from '../../outbound/deliveryLog.ts';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, patchEndpoint, rotateSecret } from '../../outbound/endpointStore.ts';
import type { AppContext } from '../context.ts';
import { idParam, parse } from '../schemas.ts';
import { createEndpointBody, deliveriesQuery, deliveryParams, patchEndpointBody } from '../webhookEndpointSchemas.ts';

/** Outbound webhook endpoints (Standard Webhooks), their delivery log and redelivery. */
export async function webhookEndpointRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;

  app.post('/api/webhook-endpoints', async (req, reply) => {
    const b = parse(createEndpointBody, req.body);
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
    const p = parse(patchEndpointBody, req.body);
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
