import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, postForm, unchanged } from '../helpers/blastRequests.ts';
import { expectError } from '../helpers/expectError.ts';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';

/** API_TOKEN (issue 2): without the Bearer token every /api route answers 401 and changes nothing. */

describe('blast API: API_TOKEN', () => {
  const TOKEN = 'tok-3f9a1c7e-secret-0123456789abcdef';
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await app?.close();
  });
  const auth = { authorization: `Bearer ${TOKEN}` };

  it.each([
    ['GET', '/api/blasts'],
    ['GET', '/api/blasts/1'],
    ['GET', '/api/blasts/1/report'],
    ['GET', '/api/blasts/1/recipients?format=csv'],
    ['GET', '/api/nothing-here'],
    ['GET', '/%61pi/blasts'],
    ['GET', '/api/%62lasts'],
  ])('%s %s without a token → 401', async (method, path) => {
    const res = await app.api(method, path);
    expectError(res, 401, 'unauthorized');
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
  });

  it('POST /api/blasts without a token, or with a wrong one → 401 and nothing persisted', async () => {
    expectError(await unchanged(app, () => app.api('POST', '/api/blasts', SEED)), 401, 'unauthorized');
    expectError(await unchanged(app, () => app.api('POST', '/api/blasts', SEED, { authorization: 'Bearer wrong' })), 401, 'unauthorized');
    expectError(await unchanged(app, () => app.api('POST', '/api/blasts', SEED, { authorization: TOKEN })), 401, 'unauthorized');
    expectError(await unchanged(app, () => app.api('POST', '/api/blasts', SEED, { authorization: `Basic ${TOKEN}` })), 401, 'unauthorized');
    expectError(
      await unchanged(app, () => app.api('POST', '/api/blasts', SEED, { authorization: `Bearer ${TOKEN}x` })),
      401,
      'unauthorized',
    );
    expectError(await unchanged(app, () => postForm(app, '/api/blasts/upload', 'phone\n0123456789\n')), 401, 'unauthorized');
  });

  it('with Authorization: Bearer <token> → 200/201', async () => {
    expect((await app.api('GET', '/api/blasts', undefined, auth)).status).toBe(200);
    const created = await app.api('POST', '/api/blasts', SEED, auth);
    expect(created.status).toBe(201);
    expect((await app.api('GET', `/api/blasts/${created.body.blast_id}/report`, undefined, auth)).status).toBe(200);
    expect((await postForm(app, '/api/blasts/upload', 'phone\n0123456789\n', { message: 'Hi' }, auth)).status).toBe(201);
  });

  it('/api/meta, /healthz stay open', async () => {
    const meta = await app.api('GET', '/api/meta');
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({ auth_required: true });
    expect(JSON.stringify(meta.body)).not.toContain(TOKEN);
    expect((await app.api('GET', '/healthz')).body).toMatchObject({ ok: true, database: 'up' });
  });
});
