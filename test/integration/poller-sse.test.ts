import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { Poller } from '../../src/track/poller.ts';
import { WsapmeClient } from '../../src/gateway/wsapmeClient.ts';
import { silentLogger } from '../../src/log.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('background poller', () => {
  it('polls only due, unsettled recipients, widens the schedule, and stops after the last step', async () => {
    app = await startTestApp({ POLL_MODE: 'off' }, { readProbability: 0, deliverDelayMs: [1, 5] });
    app.simulator!.configure({ webhookUrl: null });
    const created = await app.api('POST', '/api/blasts', { message: 'x', recipients: ['+60134000001', '+60134000002', '+60134000003'] });
    const id = created.body.blast_id;
    await app.api('POST', `/api/blasts/${id}/send?wait=true`);
    // Make two of them due now; the third is already READ (settled) and must never be asked about.
    await app.db.db.execute(sql`UPDATE blast_recipients SET next_poll_at = now() - interval '1 second' WHERE blast_id = ${id}`);
    await app.db.db.execute(sql`UPDATE blast_recipients SET status = 'READ_ACK', next_poll_at = NULL WHERE phone_number = '+60134000003'`);
    const gateway = new WsapmeClient({ baseUrl: app.simulator!.url, apiKeyHeader: 'x-api-key', timeoutMs: 2000 });
    const poller = new Poller(app.db.db, gateway, app.config, silentLogger, () => {});
    expect(await poller.scheduledPass()).toBe(2); // both delivered meanwhile
    const after = await rows<{ phone_number: string; status: string; poll_count: number; wait_s: number | null }>(
      app.db.db,
      sql`SELECT phone_number, status, poll_count, extract(epoch FROM next_poll_at - sent_at)::int AS wait_s
          FROM blast_recipients WHERE blast_id = ${id} ORDER BY phone_number`,
    );
    expect(after.slice(0, 2)).toEqual([
      { phone_number: '+60134000001', status: 'DELIVERY_ACK', poll_count: 1, wait_s: 30 },
      { phone_number: '+60134000002', status: 'DELIVERY_ACK', poll_count: 1, wait_s: 30 },
    ]);
    expect(await poller.scheduledPass()).toBe(0); // nothing due any more
    await app.db.db.execute(
      sql`UPDATE blast_recipients SET poll_count = 6, next_poll_at = now() WHERE blast_id = ${id} AND status = 'DELIVERY_ACK'`,
    );
    await poller.scheduledPass();
    const [last] = await rows<{ n: number }>(
      app.db.db,
      sql`SELECT count(*)::int AS n FROM blast_recipients WHERE next_poll_at IS NOT NULL`,
    );
    expect(last!.n).toBe(0); // after the 24 h step, polling is over
    const calls = app.simulator!.messages().find((m) => m.to === '+60134000003')!.statusCalls;
    expect(calls).toBe(0);
    await gateway.close();
  });
});

describe('live funnel (server-sent events)', () => {
  it('pushes the report at connect and when the funnel changes', async () => {
    app = await startTestApp({ POLL_MODE: 'off' }, { deliverProbability: 0 });
    app.simulator!.configure({ webhookUrl: null });
    const created = await app.api('POST', '/api/blasts', { message: 'x', recipients: ['+60135000001', '+60135000002'] });
    const id = created.body.blast_id;
    await app.api('POST', `/api/blasts/${id}/send?wait=true`);
    const ctrl = new AbortController();
    const res = await fetch(`${app.url}/api/blasts/${id}/events`, { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextReport = async () => {
      for (;;) {
        const m = /event: report\ndata: (.*)\n\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          return JSON.parse(m[1]!);
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value);
      }
    };
    const first = await nextReport();
    expect(first).toMatchObject({ blast_id: id, state: 'completed', report: { sent: 2, read: 0 } });
    const [r] = await rows<{ message_id: string }>(app.db.db, sql`SELECT message_id FROM blast_recipients WHERE blast_id = ${id} LIMIT 1`);
    await app.api('POST', `/webhooks/wsapme?token=${app.config.webhookSecret}`, { messageId: r!.message_id, status: 'READ_ACK' });
    const second = await eventually(async () => {
      const rep = await nextReport();
      return rep.report.read === 1 ? rep : null;
    }, 10_000);
    expect(second.report).toMatchObject({ sent: 2, received: 1, read: 1 });
    ctrl.abort();
  });
});

describe('documentation', () => {
  it('serves the OpenAPI document built from the request schemas, and the UI at /docs', async () => {
    app = await startTestApp();
    const doc = await app.api('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/blasts', '/api/blasts/{id}/report', '/webhooks/wsapme']));
    expect(doc.body.paths['/api/blasts'].post.requestBody.content['application/json'].schema.required).toEqual(['message', 'recipients']);
    expect((await app.api('GET', '/docs')).status).toBe(200);
  });
});

describe('POLL_MODE=fallback', () => {
  it('defers polling of a message a webhook just spoke about', async () => {
    app = await startTestApp({ POLL_MODE: 'fallback' }, { deliverProbability: 0 });
    app.simulator!.configure({ webhookUrl: null });
    const created = await app.api('POST', '/api/blasts', { message: 'x', recipients: ['+60136000001'] });
    await app.api('POST', `/api/blasts/${created.body.blast_id}/send?wait=true`);
    const [r] = await rows<{ message_id: string; soon: boolean }>(
      app.db.db,
      sql`SELECT message_id, next_poll_at < now() + interval '1 minute' AS soon FROM blast_recipients`,
    );
    expect(r!.soon).toBe(true);
    await app.api('POST', `/webhooks/wsapme?token=${app.config.webhookSecret}`, { messageId: r!.message_id, status: 'DELIVERY_ACK' });
    const [after] = await rows<{ status: string; later: boolean }>(
      app.db.db,
      sql`SELECT status, next_poll_at > now() + interval '9 minutes' AS later FROM blast_recipients`,
    );
    expect(after).toEqual({ status: 'DELIVERY_ACK', later: true });
  });
});
