import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';
import { send } from './support.ts';

/** Before this the dashboard and /docs had no CSP, could be framed, and had no nosniff. */
describe('security headers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the dashboard: strict CSP without inline script, no framing, nosniff, no referrer', async () => {
    const res = await send(app.url, 'GET', '/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // The API's answers carry them too, and so do the webhook receiver's.
    expect((await send(app.url, 'GET', '/api/meta')).headers['x-content-type-options']).toBe('nosniff');
    const webhook = await send(app.url, 'POST', '/webhooks/wsapme', { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(webhook.headers['x-content-type-options']).toBe('nosniff');
    expect(webhook.headers['x-frame-options']).toBe('DENY');
  });

  it('the built dashboard has no inline script or style for the CSP to block', async () => {
    const res = await send(app.url, 'GET', '/');
    if (res.status !== 200) return expect(res.status).toBe(404); // web/dist not built: nothing served
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/<style|\sstyle=/);
  });

  it('/docs works under its own CSP (swagger-ui loads only its own files), still no framing', async () => {
    const res = await send(app.url, 'GET', '/docs/');
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    const initializer = await send(app.url, 'GET', '/docs/static/swagger-initializer.js');
    expect(initializer.status).toBe(200);
  });
});
