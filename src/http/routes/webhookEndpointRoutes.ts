import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { success } from '../../api/answerParts.ts';
import { deliveryListAnswer, endpointAnswer, endpointListAnswer, endpointSecretAnswer, redeliverAnswer } from '../../api/webhookAnswers.ts';
import { notFound } from '../../errors.ts';
import { listDeliveries, redeliver } from '../../outbound/deliveryLog.ts';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, patchEndpoint, rotateSecret } from '../../outbound/endpointStore.ts';
import type { AppContext } from '../context.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { errors, example } from '../routeSchema.ts';
import { idParam } from '../schemas.ts';
import { createEndpointBody, deliveriesQuery, deliveryParams, patchEndpointBody } from '../webhookEndpointSchemas.ts';

/** Outbound webhook endpoints (Standard Webhooks), their delivery log and redelivery. */
export async function webhookEndpointRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Outbound webhooks'];
  const params = idParam;

  api.post(
    '/api/webhook-endpoints',
    {
      schema: {
        tags,
        summary: 'Register an endpoint; the answer carries its whsec_ secret, shown once',
        body: example(createEndpointBody, EXAMPLE.createEndpoint),
        response: { 201: endpointSecretAnswer, ...errors },
      },
    },
    async (req, reply) => {
      reply.status(201);
      return createEndpoint(db, req.body.url, req.body.events);
    },
  );

  api.get(
    '/api/webhook-endpoints',
    { schema: { tags, summary: 'Outbound webhook endpoints (secrets masked)', response: { 200: endpointListAnswer, ...errors } } },
    async () => ({ endpoints: await listEndpoints(db) }),
  );

  api.get(
    '/api/webhook-endpoints/:id',
    { schema: { tags, summary: 'One endpoint', params, response: { 200: endpointAnswer, ...errors } } },
    async (req) => {
      const found = await getEndpoint(db, req.params.id);
      if (!found) throw notFound('Webhook endpoint');
      return found;
    },
  );

  api.patch(
    '/api/webhook-endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Change url or events, enable or disable',
        params,
        body: example(patchEndpointBody, EXAMPLE.patchEndpoint),
        response: { 200: endpointAnswer, ...errors },
      },
    },
    async (req) => {
      const patched = await patchEndpoint(db, req.params.id, req.body);
      if (!patched) throw notFound('Webhook endpoint');
      return patched;
    },
  );

  api.delete(
    '/api/webhook-endpoints/:id',
    { schema: { tags, summary: 'Delete an endpoint and its delivery log', params, response: { 200: success, ...errors } } },
    async (req) => {
      if (!(await deleteEndpoint(db, req.params.id))) throw notFound('Webhook endpoint');
      return { success: true as const };
    },
  );

  api.post(
    '/api/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'A new secret; the old one also signs for 24 h',
        params,
        response: { 200: endpointSecretAnswer, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params;
      const secret = await rotateSecret(db, id);
      if (!secret) throw notFound('Webhook endpoint');
      return { id, secret };
    },
  );

  api.get(
    '/api/webhook-endpoints/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log, newest first',
        params,
        querystring: deliveriesQuery,
        response: { 200: deliveryListAnswer, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params;
      if (!(await getEndpoint(db, id))) throw notFound('Webhook endpoint');
      return listDeliveries(db, id, req.query);
    },
  );

  api.post(
    '/api/webhook-endpoints/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags,
        summary: 'Send a delivery again, same webhook-id',
        params: deliveryParams,
        response: { 202: redeliverAnswer, ...errors },
      },
    },
    async (req, reply) => {
      const { id, deliveryId } = req.params;
      if (!(await redeliver(db, id, deliveryId))) throw notFound('Delivery');
      reply.status(202);
      return { success: true as const, id: deliveryId };
    },
  );
}
