import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';
import { TOKEN, send, sessionCookie } from './support.ts';

/**
 * Sessions that end, guesses that are throttled, and the token in front of everything that is not
 * the sign-in page. Before this, the cookie was a fixed hash of the token: sign-out did not revoke
 * it, it never expired on the server, `Secure` was never set behind TLS, and guessing ran at full speed.
 */
const json = { 'content-type': 'application/json' };
const signIn = (app: TestApp, headers: Record<string, string> = {}, token = TOKEN) =>
  send(app.url, 'POST', '/api/session', { headers: { ...json, ...headers }, body: JSON.stringify({ token }) });

describe('sessions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('each sign-in gets its own random, HttpOnly, SameSite=Strict cookie that is no hash of the token', async () => {
    const a = await signIn(app);
    const b = await signIn(app);
    expect(a.status).toBe(200);
    const setCookie = String(a.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(sessionCookie(a)).not.toBe(sessionCookie(b));
    const stored = await app.db.db.execute(sql`SELECT id_hash FROM sessions`);
    const hashes = JSON.stringify(stored);
    expect(hashes).not.toContain(sessionCookie(a).split('=')[1]);
  });

  it('sign-out revokes the session on the server: the old cookie is refused afterwards', async () => {
    const cookie = sessionCookie(await signIn(app));
    expect((await send(app.url, 'GET', '/api/blasts', { headers: { cookie } })).status).toBe(200);
    const out = await send(app.url, 'DELETE', '/api/session', { headers: { cookie, origin: app.url } });
    expect(out.status).toBe(200);
    const after = await send(app.url, 'GET', '/api/blasts', { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it('a session expires on the server, whatever the browser keeps', async () => {
    const cookie = sessionCookie(await signIn(app));
    await app.db.db.execute(sql`UPDATE sessions SET expires_at = now() - interval '1 second'`);
    expect((await send(app.url, 'GET', '/api/blasts', { headers: { cookie } })).status).toBe(401);
  });

  it('behind a TLS proxy (TRUST_PROXY, X-Forwarded-Proto: https) the cookie is __Host- and Secure; without TRUST_PROXY the header is not believed', async () => {
    const plain = await signIn(app, { 'x-forwarded-proto': 'https' });
    expect(String(plain.headers['set-cookie'])).not.toMatch(/Secure/i);
    const proxied = await startTestApp({ API_TOKEN: TOKEN, TRUST_PROXY: 'true' });
    try {
      const res = await signIn(proxied, { 'x-forwarded-proto': 'https' });
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toMatch(/^__Host-wablast_session=/);
      expect(setCookie).toMatch(/;\s*Secure/i);
      expect(setCookie).toMatch(/Path=\//);
      const cookie = sessionCookie(res);
      expect((await send(proxied.url, 'GET', '/api/blasts', { headers: { cookie, 'x-forwarded-proto': 'https' } })).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('/metrics and /docs need the token too', async () => {
    for (const path of ['/metrics', '/docs', '/docs/json']) {
      expect((await send(app.url, 'GET', path)).status, path).toBe(401);
      expect((await send(app.url, 'GET', path, { headers: { authorization: `Bearer ${TOKEN}` } })).status, path).toBeLessThan(400);
    }
  });
});

describe('guessing the token', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a dozen wrong sign-ins in a row get 429, and then even the right token waits', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(app, {}, `guess-${i}`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const right = await signIn(app);
    expect(right.status).toBe(429);
    expect(right.json.error.code).toBe('rate_limited');
  });

  it('wrong Bearer tokens count the same way (per client: X-Forwarded-For is not believed without TRUST_PROXY)', async () => {
    const other = await startTestApp({ API_TOKEN: TOKEN });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push(
          (
            await send(other.url, 'GET', '/api/blasts', {
              headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': `10.0.0.${i}` },
            })
          ).status,
        );
      }
      expect(statuses).toContain(429);
    } finally {
      await other.close();
    }
  });

  it('a generous per-client API limit: beyond API_RATE_LIMIT requests a minute, 429 in our error shape', async () => {
    const limited = await startTestApp({ API_RATE_LIMIT: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await send(limited.url, 'GET', '/api/blasts')).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const last = await send(limited.url, 'GET', '/api/blasts');
      expect(last.status).toBe(429);
      expect(last.json.error.code).toBe('rate_limited');
      // The gateway's webhooks are never throttled by it.
      expect((await send(limited.url, 'POST', '/webhooks/wsapme?token=wrong', { headers: json, body: '{}' })).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
