import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';
import { SESSION_TTL_MS, SessionStore } from './sessionStore.ts';

/** `__Host-` binds the cookie to this exact origin (Secure, path /, no Domain): only possible over TLS. */
export const SECURE_SESSION_COOKIE = '__Host-wablast_session';
export const PLAIN_SESSION_COOKIE = 'wablast_session';
export const SESSION_COOKIES = [SECURE_SESSION_COOKIE, PLAIN_SESSION_COOKIE];

/** Wrong credentials a client may present in a row (per address, per quarter hour) before it gets 429. */
export const AUTH_FAILURES_ALLOWED = 10;

/** Constant-time string equality that does not leak the length through timing either. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim();
}

const sessionCookieOf = (req: FastifyRequest): string | undefined =>
  req.cookies?.[SECURE_SESSION_COOKIE] ?? req.cookies?.[PLAIN_SESSION_COOKIE];

/** The URL's path, percent-decoded; an undecodable one is returned as '/api/' so it is checked, not waved through. */
function decodedPath(url: string): string {
  try {
    return decodeURIComponent(url.split('?')[0]!);
  } catch {
    return '/api/';
  }
}

/** What needs the token when one is set: the API (but what the sign-in page itself needs), metrics and the API docs. */
function needsToken(req: FastifyRequest): boolean {
  // Decide on the path the router matched, not the raw URL: '/%61pi/blasts' routes to /api/blasts
  // too, and must not slip past a check on the undecoded text.
  const path = req.routeOptions.url ?? decodedPath(req.url);
  if (path === '/api/meta' || path === '/api/session') return false;
  return path.startsWith('/api/') || path === '/metrics' || path === '/docs' || path.startsWith('/docs/');
}

/**
 * API_TOKEN authentication: `Authorization: Bearer` for programs, a server-side session cookie
 * for the dashboard. Wrong credentials are counted per client address; after
 * AUTH_FAILURES_ALLOWED in a row every further attempt gets 429 until the window passes.
 */
export interface SignIn {
  /** Checks the token (counting a wrong one) and sets a fresh session cookie. */
  signIn(req: FastifyRequest, reply: FastifyReply, candidate: string): Promise<void>;
  /** Revokes the session the request carries, if any. */
  signOut(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export function registerAuth(app: FastifyInstance, ctx: AppContext): SignIn | null {
  const token = ctx.config.apiToken;
  if (!token) return null;
  const sessions = new SessionStore(ctx.database.db, token);
  const failures = app.createRateLimit({
    max: AUTH_FAILURES_ALLOWED,
    timeWindow: 15 * 60_000,
    keyGenerator: (req) => `auth-failure:${req.ip}`,
  });

  const refuseIfLockedOut = async (req: FastifyRequest): Promise<void> => {
    const status = await failures(req, { increment: false });
    if (!status.isAllowed && status.isExceeded) {
      throw new AppError(
        'rate_limited',
        `Too many wrong tokens from this address; try again in ${Math.ceil(status.ttlInSeconds / 60)} min`,
      );
    }
  };
  const fail = async (req: FastifyRequest, message: string): Promise<never> => {
    await failures(req);
    throw new AppError('unauthorized', message);
  };

  app.addHook('onRequest', async (req) => {
    if (!needsToken(req)) return;
    const given = bearer(req.headers.authorization);
    const cookie = sessionCookieOf(req);
    if (given === undefined && cookie === undefined) {
      throw new AppError('unauthorized', 'Sign in first: send Authorization: Bearer <API_TOKEN>');
    }
    await refuseIfLockedOut(req);
    if (given !== undefined && safeEqual(given, token)) return;
    if (given === undefined && cookie !== undefined && (await sessions.isValid(cookie, new Date()))) return;
    await fail(req, given !== undefined ? 'That token is not right' : 'Your session has ended: sign in again');
  });

  return {
    signIn: async (req, reply, candidate) => {
      await refuseIfLockedOut(req);
      if (!safeEqual(candidate, token)) await fail(req, 'That token is not right');
      const session = await sessions.create(new Date());
      const secure = req.protocol === 'https';
      reply.setCookie(secure ? SECURE_SESSION_COOKIE : PLAIN_SESSION_COOKIE, session.id, {
        httpOnly: true,
        sameSite: 'strict',
        secure,
        path: '/',
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
    },
    signOut: async (req, reply) => {
      const cookie = sessionCookieOf(req);
      if (cookie) await sessions.revoke(cookie, new Date());
      for (const name of SESSION_COOKIES)
        if (req.cookies?.[name] !== undefined) reply.clearCookie(name, { path: '/', secure: name === SECURE_SESSION_COOKIE });
    },
  };
}
