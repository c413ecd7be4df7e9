import { createHash, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'wablast_session';

/** Constant-time string equality that does not leak the length through timing either. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The cookie holds a digest of the token, never the token: a stolen cookie file is not the API key. */
export function sessionValue(apiToken: string): string {
  return createHash('sha256').update(`wablast-session\0${apiToken}`).digest('base64url');
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim();
}
