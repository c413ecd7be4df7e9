import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * The dashboard's headers: a strict CSP (the vite build has no inline script or style; React sets
 * styles through the CSSOM, which CSP allows), no framing, nosniff, no referrer. No
 * upgrade-insecure-requests: `npm start` serves plain http on localhost and LAN addresses.
 * Every answer carries them, the API's and the webhook receiver's too.
 *
 * helmet itself, its middleware built once: @fastify/helmet builds it again for every request,
 * re-parsing the CSP each time, which cost ≈ 40 µs a request, the largest part of the CPU a
 * webhook costs (a profile of bench webhook_ingest).
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', (req, reply, done) => setHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
}

/** swagger-ui's own CSP (hashes for its inline bits), made as strict as the dashboard's about framing and plain http. */
export const docsCsp = (header: string): string =>
  header
    .replace(/frame-ancestors [^;]*;/, "frame-ancestors 'none';")
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace(/validator\.swagger\.io/, '');
