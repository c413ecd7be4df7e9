import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';
import { SEED, TOKEN, multipart, send, sessionCookie } from './support.ts';

/**
 * Cross-site writes and DNS rebinding (SECURITY.md). Before this, a page on any site could create
 * and send blasts with simple (preflight-free) requests, and any Host was answered.
 */
const blastCount = async (app: TestApp): Promise<number> =>
  Number((await app.api('GET', '/api/blasts', undefined, app.config.apiToken ? { authorization: `Bearer ${TOKEN}` } : {})).body.total);

describe('no API_TOKEN (npm start): a web page cannot drive the server', () => {
  let app: TestApp;
  let blastId: number;
  beforeAll(async () => {
    app = await startTestApp({ SEND_RATE: '1' });
    const created = await app.api('POST', '/api/blasts', SEED);
    expect(created.status).toBe(201);
    blastId = created.body.blast_id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a multipart POST /api/blasts from another site (Origin: https://attacker.example) and writes nothing', async () => {
    const before = await blastCount(app);
    const form = multipart({ message: 'pwned' }, 'phone\n+60123450000\n');
    const res = await send(app.url, 'POST', '/api/blasts', {
      headers: { 'content-type': form.contentType, origin: 'https://attacker.example' },
      body: form.body,
    });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden_origin');
    expect(await blastCount(app)).toBe(before);
  });

  it('refuses POST /api/blasts/:id/send from another site, and the blast stays a draft', async () => {
    const res = await send(app.url, 'POST', `/api/blasts/${blastId}/send`, { headers: { origin: 'https://attacker.example' } });
    expect(res.status).toBe(403);
    expect((await app.api('GET', `/api/blasts/${blastId}`)).body.state).toBe('draft');
  });

  it('refuses a cross-site POST that only says Sec-Fetch-Site: cross-site (no Origin)', async () => {
    const res = await send(app.url, 'POST', `/api/blasts/${blastId}/send`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
  });

  it('refuses a page on another port of the same host (Origin: http://localhost:8080, Sec-Fetch-Site: same-site)', async () => {
    const res = await send(app.url, 'POST', `/api/blasts/${blastId}/cancel`, {
      headers: { origin: 'http://localhost:8080', 'sec-fetch-site': 'same-site' },
    });
    expect(res.status).toBe(403);
  });

  it('refuses Origin: null (a sandboxed frame or a file: page)', async () => {
    const res = await send(app.url, 'POST', `/api/blasts/${blastId}/pause`, { headers: { origin: 'null' } });
    expect(res.status).toBe(403);
  });

  it('answers no DNS-rebinding page: a Host that is not a loopback name or PUBLIC_URL gets 403, reads included', async () => {
    const res = await send(app.url, 'GET', '/api/blasts', { headers: { host: 'attacker.example:3000' } });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden_host');
    expect(res.text).not.toContain('+60123456789');
    expect((await send(app.url, 'GET', '/', { headers: { host: 'rebind.attacker.example' } })).status).toBe(403);
  });

  it('still serves the dashboard itself: same-origin POST, and curl/the CLI without Origin', async () => {
    const port = new URL(app.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const res = await send(app.url, 'POST', '/api/blasts', {
        headers: { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
        body: JSON.stringify({ ...SEED, dry_run: true }),
      });
      expect(res.status, host).toBe(200);
    }
    const cli = await send(app.url, 'POST', '/api/blasts', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...SEED, dry_run: true }),
    });
    expect(cli.status).toBe(200);
  });

  it('leaves the webhook route to its secret: any Host, no Origin check', async () => {
    const res = await send(app.url, 'POST', '/webhooks/wsapme?token=wrong', {
      headers: { host: 'gateway-calls.example', origin: 'https://attacker.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });
});

describe('with API_TOKEN: the cookie alone does not let another origin write', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a signed-in browser visiting http://localhost:8080 cannot create a blast through its cookie', async () => {
    const signIn = await send(app.url, 'POST', '/api/session', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(signIn.status).toBe(200);
    const cookie = sessionCookie(signIn);
    const form = multipart({ message: 'from another port' }, 'phone\n+60123450001\n');
    const res = await send(app.url, 'POST', '/api/blasts', {
      headers: { cookie, origin: 'http://localhost:8080', 'content-type': form.contentType },
      body: form.body,
    });
    expect(res.status).toBe(403);
    // Without Origin and Sec-Fetch-Site a cookie-bearing request is an old browser's, not the CLI's: refused too.
    const bare = await send(app.url, 'POST', '/api/blasts', { headers: { cookie, 'content-type': form.contentType }, body: form.body });
    expect(bare.status).toBe(403);
    expect(await blastCount(app)).toBe(0);
    // The dashboard itself, same origin, with the cookie: allowed.
    const own = await send(app.url, 'POST', '/api/blasts', {
      headers: { cookie, origin: app.url, 'content-type': 'application/json' },
      body: JSON.stringify(SEED),
    });
    expect(own.status).toBe(201);
  });

  it('a Bearer request needs no Origin (programs and the CLI)', async () => {
    const res = await send(app.url, 'POST', '/api/blasts', {
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...SEED, dry_run: true }),
    });
    expect(res.status).toBe(200);
  });
});
