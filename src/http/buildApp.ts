import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { openApiDocument } from './openapi.ts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { AppError } from '../errors.ts';
import { SESSION_COOKIE, bearer, safeEqual, sessionValue } from './auth.ts';
import type { AppContext } from './context.ts';
import { makeErrorHandler } from './errorHandler.ts';
import { blastRoutes } from './routes/blastRoutes.ts';
import { recipientRoutes } from './routes/recipientRoutes.ts';
import { deviceRoutes } from './routes/deviceRoutes.ts';
import { systemRoutes } from './routes/systemRoutes.ts';
import { webhookRoutes } from './routes/webhookRoutes.ts';
import { webhookEventRoutes } from './routes/webhookEventRoutes.ts';
import { webhookEndpointRoutes } from './routes/webhookEndpointRoutes.ts';

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const OPEN_API_PATHS = new Set(['/api/meta', '/api/session']);

/** The URL's path, percent-decoded; an undecodable one is returned as '/api/' so it is checked, not waved through. */
function decodedPath(url: string): string {
  try {
    return decodeURIComponent(url.split('?')[0]!);
  } catch {
    return '/api/';
  }
}

export async function buildApp(ctx: AppContext, opts: { api?: boolean; webhooks?: boolean } = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    // Per-request lines would drown the log at webhook rates; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Webhook retries from a gateway and dashboard polls keep connections busy; do not let a
    // slow client hold a socket forever.
    requestTimeout: 16 * 60_000,
  });
  app.setErrorHandler(makeErrorHandler(ctx.log.child({ component: 'http' })));
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`).toJSON());
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: 50 * 1024 * 1024, files: 1 } });

  if (ctx.config.apiToken) {
    const token = ctx.config.apiToken;
    const session = sessionValue(token);
    app.addHook('onRequest', async (req) => {
      // Decide on the path the router matched, not the raw URL: '/%61pi/blasts' routes to
      // /api/blasts too, and must not slip past a check on the undecoded text.
      const path = req.routeOptions.url ?? decodedPath(req.url);
      if (!path.startsWith('/api/') || OPEN_API_PATHS.has(path)) return;
      const given = bearer(req.headers.authorization);
      const cookieValue = req.cookies?.[SESSION_COOKIE];
      const ok = (given !== undefined && safeEqual(given, token)) || (cookieValue !== undefined && safeEqual(cookieValue, session));
      if (!ok) throw new AppError('unauthorized', 'Sign in first: send Authorization: Bearer <API_TOKEN>');
    });
  }

  await app.register(swagger, { mode: 'static', specification: { document: openApiDocument(ctx.version) as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await systemRoutes(app, ctx);
  if (opts.webhooks !== false) await webhookRoutes(app, ctx);
  if (opts.api !== false) {
    await blastRoutes(app, ctx);
    await recipientRoutes(app, ctx);
    await deviceRoutes(app, ctx);
    await webhookEventRoutes(app, ctx);
    await webhookEndpointRoutes(app, ctx);
  }
  if (existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  return app;
}
