import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../config.ts';
import { AppError } from '../errors.ts';
import { SESSION_COOKIES } from './auth.ts';
import type { AppContext } from './context.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Server-to-server routes: authenticated by their own secret, called by a gateway that sends no Origin and may use any Host. */
export const isWebhookPath = (url: string): boolean => url.startsWith('/webhooks/') || url === '/webhooks' || url.startsWith('/webhooks?');
/** Load balancers probe with an IP as Host; the answer holds nothing worth rebinding for. */
const isHealthPath = (url: string): boolean => url === '/healthz' || url.startsWith('/healthz?');

function hostname(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

/**
 * The two browser-facing checks of SECURITY.md, before anything else runs:
 * - Host: only a loopback name, the host of PUBLIC_URL, or the address in HOST. A DNS-rebinding
 *   page reaches us under its own name and is refused, so it can read nothing.
 * - Cross-site writes: a state-changing request without an Authorization header (which a browser
 *   cannot add to a cross-site request without a CORS preflight, and we approve none) must come
 *   from our own origin: Origin equal to the Host it was sent to (or PUBLIC_URL), or
 *   Sec-Fetch-Site same-origin. Without either header it is not a browser's request (curl, the CLI),
 *   and passes only when it carries no session cookie.
 */
export function registerRequestGuard(app: FastifyInstance, ctx: AppContext): void {
  const publicHost = ctx.config.publicUrl ? new URL(ctx.config.publicUrl).host.toLowerCase() : null;
  const boundHost = ['0.0.0.0', '::', '[::]'].includes(ctx.config.host) ? null : ctx.config.host.toLowerCase();
  const hostAllowed = (host: string): boolean => {
    const h = host.toLowerCase();
    const name = hostname(h);
    return isLoopbackHost(name) || h === publicHost || name === boundHost || name === `[${boundHost}]`;
  };
  const sameOrigin = (req: FastifyRequest, origin: string): boolean => {
    let host: string;
    try {
      host = new URL(origin).host.toLowerCase();
    } catch {
      return false; // 'null' (sandboxed frames, file:) and garbage are nobody's origin
    }
    return host === (req.host ?? '').toLowerCase() || host === publicHost;
  };

  app.addHook('onRequest', async (req) => {
    const url = req.url;
    if (isWebhookPath(url)) return;
    if (!isHealthPath(url) && !hostAllowed(req.host ?? '')) {
      throw new AppError('forbidden_host', 'This server does not answer to that host name; use localhost or PUBLIC_URL');
    }
    if (SAFE_METHODS.has(req.method) || req.headers.authorization !== undefined) return;
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (origin !== undefined) {
      if (sameOrigin(req, origin)) return;
      throw new AppError('forbidden_origin', 'Cross-site request refused: only the dashboard itself may change things');
    }
    if (site !== undefined) {
      if (site === 'same-origin' || site === 'none') return;
      throw new AppError('forbidden_origin', 'Cross-site request refused: only the dashboard itself may change things');
    }
    if (SESSION_COOKIES.some((name) => req.cookies?.[name] !== undefined)) {
      throw new AppError('forbidden_origin', 'A request with a session cookie must come from the dashboard (it sends Origin)');
    }
  });
}
