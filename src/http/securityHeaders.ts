import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The dashboard's headers: a strict CSP (the vite build has no inline script or style; React sets
 * styles through the CSSOM, which CSP allows), no framing, nosniff, no referrer. No
 * upgrade-insecure-requests: `npm start` serves plain http on localhost and LAN addresses.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
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
}

/** swagger-ui's own CSP (hashes for its inline bits), made as strict as the dashboard's about framing and plain http. */
export const docsCsp = (header: string): string =>
  header
    .replace(/frame-ancestors [^;]*;/, "frame-ancestors 'none';")
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace(/validator\.swagger\.io/, '');
