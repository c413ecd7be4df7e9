import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { docsTransform, openApiDocument } from './openapi.ts';
import { archiveRoutes } from './routes/archiveRoutes.ts';
import { AppError } from '../errors.ts';
import { registerAuth } from './auth.ts';
import type { AppContext } from './context.ts';
import { makeErrorHandler, toAppError } from './errorHandler.ts';
import { isWebhookPath, registerRequestGuard } from './requestGuard.ts';
import { docsCsp, registerSecurityHeaders } from './securityHeaders.ts';
import { blastRoutes } from './routes/blastRoutes.ts';
import { recipientRoutes } from './routes/recipientRoutes.ts';
import { deviceRoutes } from './routes/deviceRoutes.ts';
import { optOutRoutes } from './routes/optOutRoutes.ts';
import { sessionRoutes } from './routes/sessionRoutes.ts';
import { systemRoutes } from './routes/systemRoutes.ts';
import { webhookRoutes } from './routes/webhookRoutes.ts';
import { webhookEventRoutes } from './routes/webhookEventRoutes.ts';
import { webhookEndpointRoutes } from './routes/webhookEndpointRoutes.ts';
import { connectionRoutes } from './routes/connectionRoutes.ts';
import { sequenceRoutes } from './routes/sequenceRoutes.ts';
import { DOCS_THEME, DOCS_UI_CONFIG } from './docsUi.ts';
import { recordRoutes } from './routeList.ts';
import { schemaErrorFormatter, validatorCompiler } from './validation.ts';

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** JSON bodies: small everywhere; a blast's recipient list is the one big JSON body (CSV uploads stream, see blastRoutes). */
export const JSON_BODY_LIMIT = 1024 * 1024;

export async function buildApp(ctx: AppContext, opts: { api?: boolean; webhooks?: boolean } = {}): Promise<FastifyInstance> {
  const log = ctx.log.child({ component: 'http' });
  const app: FastifyInstance = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    // Per-request lines would drown the log at webhook rates; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    // The whole request (headers and body) must arrive within a minute: a slow upload cannot hold
    // a socket. SSE streams and ?wait=true are bounded by count instead (MAX_LONG_REQUESTS).
    requestTimeout: 60_000,
    // A hop count works at run time (proxy-addr) though Fastify's types list only boolean|string.
    trustProxy: ctx.config.trustProxy as boolean | string,
    // An undecodable path ('/api/%E0%A4%A') fails before routing: answer it in our shape too.
    frameworkErrors: (err, _req, reply) => {
      const appErr = toAppError(err);
      void (reply as unknown as FastifyReply).status(appErr.status).send(appErr.toJSON());
    },
    // A request that fails its route's schema answers 400 in our error shape, every field named.
    schemaErrorFormatter,
  });
  // Each route's zod schemas check what comes in and serialize what goes out (src/api/*Answers.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  recordRoutes(app);
  app.setErrorHandler(makeErrorHandler(log));
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`).toJSON());
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: 50 * 1024 * 1024, files: 1 } });
  await registerSecurityHeaders(app);
  registerRequestGuard(app, ctx);
  await app.register(rateLimit, {
    max: ctx.config.apiRateLimit || Number.MAX_SAFE_INTEGER,
    timeWindow: 60_000,
    keyGenerator: (req) => req.ip,
    // A gateway's webhook storm is not abuse, and the webhook route has its own secret.
    allowList: (req) => ctx.config.apiRateLimit === 0 || isWebhookPath(req.url),
    errorResponseBuilder: (_req, context) => new AppError('rate_limited', `Too many requests from this address; retry in ${context.after}`),
  });
  const auth = registerAuth(app, ctx);

  // /docs is generated from the routes' own schemas; routes without a tag (the dashboard's files, /docs itself) are not API.
  await app.register(swagger, { openapi: openApiDocument(ctx.version), transform: docsTransform, hideUntagged: true });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: docsCsp,
    uiConfig: DOCS_UI_CONFIG,
    theme: DOCS_THEME,
  });
  await systemRoutes(app, ctx);
  await sessionRoutes(app, ctx, auth);
  if (opts.webhooks !== false) await webhookRoutes(app, ctx);
  if (opts.api !== false) {
    await blastRoutes(app, ctx);
    await recipientRoutes(app, ctx);
    await deviceRoutes(app, ctx);
    await optOutRoutes(app, ctx);
    await webhookEventRoutes(app, ctx);
    await webhookEndpointRoutes(app, ctx);
    await connectionRoutes(app, ctx);
    await sequenceRoutes(app, ctx);
    await archiveRoutes(app, ctx);
  }
  if (existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  return app;
}
