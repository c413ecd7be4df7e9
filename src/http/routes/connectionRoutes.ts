import type { FastifyInstance } from 'fastify';
import { checkConnection } from '../../connection/checkConnection.ts';
import { sendTestMessage } from '../../connection/sendTestMessage.ts';
import { publicBase } from '../../webhooks/webhookUrl.ts';
import type { AppContext } from '../context.ts';
import { parse, testMessageBody } from '../schemas.ts';

/** Does it work: every connection check at once, and a test message to the operator's own number. */
export async function connectionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;

  app.get('/api/connection', async (req) =>
    checkConnection({
      db,
      config: ctx.config,
      simulator: ctx.simulator,
      gateway: ctx.gateway,
      base: publicBase(ctx.config.publicUrl, req, ctx.config.port),
    }),
  );

  app.post('/api/connection/test-message', async (req, reply) => {
    const body = parse(testMessageBody, req.body);
    const release = ctx.longRequests.acquire();
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    try {
      reply.status(201);
      return await sendTestMessage({ db, config: ctx.config, hub: ctx.hub, wakeEngine: ctx.wakeEngine }, body, gone.signal);
    } finally {
      release();
    }
  });
}
