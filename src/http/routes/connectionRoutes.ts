import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { connectionReportAnswer, testMessageAnswer } from '../../api/connectionAnswers.ts';
import { checkConnection } from '../../connection/checkConnection.ts';
import { sendTestMessage } from '../../connection/sendTestMessage.ts';
import { publicBase } from '../../webhooks/webhookUrl.ts';
import type { AppContext } from '../context.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { errors, example } from '../routeSchema.ts';
import { testMessageBody } from '../schemas.ts';

/** Does it work: every connection check at once, and a test message to the operator's own number. */
export async function connectionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Connection'];

  api.get(
    '/api/connection',
    {
      schema: {
        tags,
        summary:
          'Does it work: gateway reachable, token accepted, device, webhook URL, last webhook (raw), status lookup, sending state; each check ok true/false/null',
        response: { 200: connectionReportAnswer, ...errors },
      },
    },
    async (req) =>
      checkConnection({
        db,
        config: ctx.config,
        simulator: ctx.simulator,
        gateway: ctx.gateway,
        base: publicBase(ctx.config.publicUrl, req, ctx.config.port),
      }),
  );

  api.post(
    '/api/connection/test-message',
    {
      schema: {
        tags,
        summary:
          'Send one real message to your own number as a one-recipient blast tagged "Connection test"; waits up to 20 s for the outcome',
        body: example(testMessageBody, EXAMPLE.testMessage),
        response: { 201: testMessageAnswer, ...errors },
      },
    },
    async (req, reply) => {
      const release = ctx.longRequests.acquire();
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      try {
        reply.status(201);
        return await sendTestMessage({ db, config: ctx.config, hub: ctx.hub, wakeEngine: ctx.wakeEngine }, req.body, gone.signal);
      } finally {
        release();
      }
    },
  );
}
