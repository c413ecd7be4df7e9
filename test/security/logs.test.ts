import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';
import { maskPhone } from '../../src/log.ts';
import { TOKEN, capturingLogger, send } from './support.ts';

/**
 * Logs without secrets or personal data. Before this, a 5xx was logged with `req.url` (holding the
 * webhook's `?token=`) and database errors with their parameters (phone numbers, message text).
 * The whole service runs a blast against the simulator with every log line kept at trace level,
 * with failures provoked on the way, and the log is searched for every secret and every number.
 */
const SECRET = 'whsec-5e3b1d9f7a2c4e6b8d0f1a3c5e7b9d1f';
const NUMBERS = Array.from({ length: 40 }, (_, i) => `+6012${String(3_000_000 + i * 7919).padStart(7, '0')}`);
const bearer = { authorization: `Bearer ${TOKEN}` };

describe('logs: no token, no webhook secret, no phone number', () => {
  const captured = capturingLogger('trace');
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(
      { API_TOKEN: TOKEN, WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'trace' },
      { webhookSecretIn: 'query' },
      { logger: captured.logger },
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  it('maskPhone keeps enough to tell numbers apart', () => {
    expect(maskPhone('+60123456789')).toBe('+6012****789');
  });

  it('a blast end to end, with a webhook 5xx and a database error on the way', async () => {
    // A database error whose parameters are the recipients: the insert of a blast fails.
    await app.db.db.execute(sql`ALTER TABLE blast_recipients RENAME TO blast_recipients_away`);
    try {
      const failed = await app.api(
        'POST',
        '/api/blasts',
        { message: 'Hi {{name}}', recipients: NUMBERS.slice(0, 5).map((phone) => ({ phone, name: 'Siti' })) },
        bearer,
      );
      expect(failed.status).toBe(500);
    } finally {
      await app.db.db.execute(sql`ALTER TABLE blast_recipients_away RENAME TO blast_recipients`);
    }
    // A webhook that fails after its secret was accepted, with the secret in the query string.
    await app.db.db.execute(sql`ALTER TABLE webhook_events RENAME TO webhook_events_away`);
    try {
      const hook = await send(app.url, 'POST', `/webhooks/wsapme?token=${SECRET}`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: NUMBERS[0], message: 'STOP' }),
      });
      expect(hook.status).toBeGreaterThanOrEqual(500);
    } finally {
      await app.db.db.execute(sql`ALTER TABLE webhook_events_away RENAME TO webhook_events`);
    }
    // A wrong token and a sign-in, so auth paths log whatever they log.
    expect((await app.api('GET', '/api/blasts', undefined, { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await app.api('POST', '/api/session', { token: TOKEN })).status).toBe(200);

    const created = await app.api(
      'POST',
      '/api/blasts',
      { message: 'Hi {{name}}', recipients: NUMBERS.map((phone) => ({ phone, name: 'Siti' })) },
      bearer,
    );
    expect(created.status).toBe(201);
    const sent = await app.api('POST', `/api/blasts/${created.body.blast_id}/send?wait=true`, undefined, bearer);
    expect(sent.status).toBe(200);
    expect(sent.body.state).toBe('completed');

    const log = captured.text();
    expect(log.length).toBeGreaterThan(0);
    expect(log).toContain('request failed'); // the provoked failures were logged…
    expect(log).not.toContain(TOKEN); // …without the API token,
    expect(log).not.toContain(SECRET); // the webhook secret,
    for (const n of NUMBERS) {
      // or any recipient number, in any spelling.
      expect(log, n).not.toContain(n.slice(1));
      expect(log, n).not.toContain(`0${n.slice(3)}`);
    }
  });

  it('masks the secret path segment of /webhooks/wsapme/<secret> and drops query strings', async () => {
    const { safeUrl } = await import('../../src/log.ts');
    expect(safeUrl(`/webhooks/wsapme/${SECRET}?x=1`)).toBe('/webhooks/wsapme/[redacted]');
    expect(safeUrl(`/webhooks/wsapme?token=${SECRET}`)).toBe('/webhooks/wsapme');
  });
});
