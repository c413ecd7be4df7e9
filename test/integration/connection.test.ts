import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, eventually, sendBlastToCompletion, startTestApp } from '../helpers/testApp.ts';

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

interface Check {
  id: string;
  ok: boolean | null;
  detail: string;
}

async function connection(a: TestApp) {
  const res = await a.api('GET', '/api/connection');
  expect(res.status).toBe(200);
  const byId = Object.fromEntries((res.body.checks as Check[]).map((c) => [c.id, c]));
  return { body: res.body, check: (id: string) => byId[id]! };
}

describe('GET /api/connection', () => {
  it('is all ok against the simulator, and shows the last webhook raw once one arrived', async () => {
    app = await startTestApp({ WEBHOOK_SECRET: 'connection-test-secret-0123' });
    const first = await connection(app);
    expect(first.body.ok).toBe(true);
    expect(first.body.problems).toBe(0);
    expect(first.check('mode')).toMatchObject({ ok: true, detail: expect.stringContaining('simulator') });
    expect(first.check('gateway')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/answered HTTP 200: Server is running in \d+ ms/),
    });
    expect(first.check('token')).toMatchObject({ ok: true, detail: expect.stringContaining('accepted') });
    expect(first.check('device')).toMatchObject({ ok: true, detail: expect.stringContaining('5850') });
    expect(first.check('webhook_url')).toMatchObject({ ok: true, detail: expect.stringContaining('/webhooks/wsapme/conn…') });
    expect(first.check('status_lookup').ok).toBe(true);
    expect(first.check('sending')).toMatchObject({ ok: true, detail: 'running' });
    expect(first.check('last_webhook')).toMatchObject({ ok: null, detail: expect.stringContaining('Enable status') });
    expect(first.body.last_webhook).toBeNull();
    expect(first.body.webhook).toMatchObject({ configured: true, masked: true, reminder: expect.stringContaining('Enable status') });
    expect(JSON.stringify(first.body)).not.toContain('connection-test-secret-0123');

    await sendBlastToCompletion(app, ['+60123450001']);
    const after = (await eventually(async () => {
      const c = await connection(app!);
      return c.body.last_webhook ? c : null;
    }))!;
    expect(after.check('last_webhook')).toMatchObject({ ok: true, detail: expect.stringMatching(/^received \d{4}-.*applied/) });
    expect(after.body.last_webhook).toMatchObject({ decoded: expect.stringMatching(/^(json|form)$/), truncated: false, secret_in: 'path' });
    // Pretty-printed: the stored JSON indented, so a person can read its shape.
    expect(after.body.last_webhook.body).toContain('\n  ');
    expect(JSON.parse(after.body.last_webhook.body)).toBeTypeOf('object');
  });

  it("says the token is refused, with the gateway's words", async () => {
    app = await startTestApp({}, { refuseToken: true });
    const c = await connection(app);
    expect(c.body.ok).toBe(false);
    expect(c.check('token')).toEqual({ id: 'token', label: 'Token accepted', ok: false, detail: 'refused: Unauthorised Token' });
    expect(c.check('gateway').ok).toBe(true);
  });

  it('reflects an offline device once a send was refused (the device is held)', async () => {
    app = await startTestApp({}, { deviceOffline: true });
    const created = await app.api('POST', '/api/blasts', { message: 'x', recipients: ['+60123450002'] });
    await app.api('POST', `/api/blasts/${created.body.blast_id}/send`);
    const c = (await eventually(async () => {
      const r = await connection(app!);
      return r.check('sending').ok === false ? r : null;
    }))!;
    expect(c.check('sending').detail).toMatch(/^5850 held \(device_unavailable\): .+; next try at \d{4}-/);
    expect(c.body.devices).toEqual([
      expect.objectContaining({ id: '5850', sending: expect.objectContaining({ state: 'held', kind: 'device_unavailable' }) }),
    ]);
    expect(c.body.ok).toBe(false);
  });

  it('says the status lookup is unavailable once the gateway refused it', async () => {
    app = await startTestApp({ POLL_MODE: 'off' }, { statusLookup: 'refused', deliverProbability: 0 });
    app.simulator!.configure({ webhookUrl: null });
    const id = await sendBlastToCompletion(
      app,
      Array.from({ length: 8 }, (_, i) => `+6014${String(5_000_001 + i)}`),
    );
    expect((await connection(app)).check('status_lookup')).toMatchObject({ ok: null, detail: 'not used by itself (POLL_MODE=off)' });
    expect((await app.api('POST', `/api/blasts/${id}/check-status`)).body.lookup).toBe('unavailable');
    // Not a problem (webhooks carry statuses without it), but said, with the reason.
    expect((await connection(app)).check('status_lookup')).toMatchObject({
      ok: null,
      detail: expect.stringMatching(/^unavailable since \d{4}-.*status lookups in a row/),
    });
  });
});

describe('auth', () => {
  it('answers only with the API token, like every /api route', async () => {
    const token = 'a'.repeat(40);
    app = await startTestApp({ API_TOKEN: token });
    expect((await app.api('GET', '/api/connection')).status).toBe(401);
    expect((await app.api('POST', '/api/connection/test-message', { phone: '+60123450010' })).status).toBe(401);
    expect(app.simulator!.tally()).toEqual({});
    const ok = await app.api('GET', '/api/connection', undefined, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body)).not.toContain(token);
  });
});

describe('POST /api/connection/test-message', () => {
  it('sends exactly one message to that number through a blast and answers the message id', async () => {
    app = await startTestApp();
    const res = await app.api('POST', '/api/connection/test-message', { phone: '012-345 0003' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      success: true,
      phone: '+60123450003',
      outcome: 'sent',
      message_id: expect.any(String),
      reason: null,
      held: null,
    });
    expect(app.simulator!.tally()).toEqual({ '+60123450003': 1 });
    const blast = await app.api('GET', `/api/blasts/${res.body.blast_id}`);
    expect(blast.body).toMatchObject({ tag: 'Connection test', total_recipients: 1 });
  });

  it('refuses an invalid or opted-out number, and says a held device instead of clearing it', async () => {
    app = await startTestApp({}, { refuseToken: true });
    expect((await app.api('POST', '/api/connection/test-message', { phone: 'hello' })).status).toBe(400);
    await app.api('POST', '/api/opt-outs', { phone: '+60123450004' });
    const opted = await app.api('POST', '/api/connection/test-message', { phone: '+60123450004' });
    expect(opted.status).toBe(400);
    expect(opted.body.error.message).toContain('opted out');

    // The token is refused: the first test puts the device on hold, the next one is told so.
    const first = await app.api('POST', '/api/blasts', { message: 'x', recipients: ['+60123450005'] });
    await app.api('POST', `/api/blasts/${first.body.blast_id}/send`);
    await eventually(async () => (await connection(app!)).check('sending').ok === false);
    const held = await app.api('POST', '/api/connection/test-message', { phone: '+60123450006' });
    expect(held.body).toMatchObject({ outcome: 'waiting', held: { kind: 'auth' }, reason: expect.stringContaining('resume the device') });
    expect((await connection(app)).check('token')).toMatchObject({ ok: false, detail: expect.stringContaining('held') });
    expect(app.simulator!.tally()).toEqual({});
  });
});
