import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { webhookReceiptAnswer } from '../../api/webhookAnswers.ts';
import { AppError } from '../../errors.ts';
import { parseWebhookBody } from '../../webhooks/parseWebhookBody.ts';
import { safeEqual } from '../auth.ts';
import type { AppContext } from '../context.ts';
import type { Tag } from '../openapi.ts';
import { errors, example } from '../routeSchema.ts';

type SecretIn = 'path' | 'query' | 'header';

/** The secret the caller gave, and where: the path (`/webhooks/wsapme/<secret>`), X-Webhook-Secret, or ?token=. */
function givenSecret(req: FastifyRequest): { value: string; in: SecretIn } | null {
  const path = (req.params as { secret?: string } | undefined)?.secret;
  if (typeof path === 'string' && path !== '') return { value: path, in: 'path' };
  const header = req.headers['x-webhook-secret'];
  if (typeof header === 'string') return { value: header, in: 'header' };
  const token = (req.query as Record<string, unknown> | undefined)?.token;
  if (typeof token === 'string') return { value: token, in: 'query' };
  return null;
}

/**
 * POST /webhooks/wsapme[/<secret>]. The gateway signs nothing, so the secret is part of the URL
 * the operator pastes into WSAPME: in the path (safest: a dashboard may drop query strings), as
 * ?token=, or as X-Webhook-Secret; compared in constant time. A wrong secret is 401 and nothing is
 * stored.
 *
 * With the right secret, every body is stored raw — understood or not — before it is answered,
 * 200 with what became of each event; 503 only when the database is unavailable (the gateway
 * retries). Bodies are read as text whatever their content type, so what is stored is what came.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

    const handler = async (req: FastifyRequest) => {
      const secret = ctx.config.webhookSecret;
      const given = givenSecret(req);
      if (!secret || !ctx.webhooks || given === null || !safeEqual(given.value, secret)) {
        throw new AppError('unauthorized', 'Webhook secret missing or wrong');
      }
      const body = typeof req.body === 'string' ? req.body : '';
      const contentType = req.headers['content-type'] ?? null;
      const events = parseWebhookBody(contentType, body, ctx.config.phoneRegion);
      // A request that could not be stored rejects with `database_unavailable` (503): the gateway retries.
      const stored = await ctx.webhooks.submit({ contentType, body, secretIn: given.in, events });
      return {
        ok: true as const,
        accepted: events.length,
        request_id: stored.requestId,
        events: stored.outcomes.map((o) => (o.reason ? { result: o.result, reason: o.reason } : { result: o.result })),
      };
    };
    const api = scope.withTypeProvider<ZodTypeProvider>();
    const tags: Tag[] = ['Gateway webhooks'];
    const schema = {
      tags,
      // The gateway authenticates with the secret, not the API token.
      security: [],
      querystring: z.object({
        // A repeated ?token= is not a secret (givenSecret reads a single value): 401, not a validation error.
        token: z
          .union([z.string(), z.array(z.string())])
          .optional()
          .meta({ description: 'The webhook secret, when it is not in the path or X-Webhook-Secret' }),
      }),
      body: example(z.unknown().meta({ description: 'Any body (JSON, a form, text): stored raw as it came' }), {
        event: 'message',
        from: '60123456789@s.whatsapp.net',
        message: 'Interested!',
      }),
      response: { 200: webhookReceiptAnswer.meta({ description: 'Stored: what became of each event' }), ...errors },
    };
    api.post(
      '/webhooks/wsapme',
      { bodyLimit: 256 * 1024, schema: { ...schema, summary: 'The same, the secret as ?token= or X-Webhook-Secret' } },
      handler,
    );
    api.post(
      '/webhooks/wsapme/:secret',
      {
        bodyLimit: 256 * 1024,
        schema: {
          ...schema,
          summary:
            'WSAPME status and inbound-message webhooks, the secret in the path (the form to paste into WSAPME). Any body is stored raw and answered 200 with what became of each event',
          params: z.object({ secret: z.string() }),
        },
      },
      handler,
    );
  });
}
