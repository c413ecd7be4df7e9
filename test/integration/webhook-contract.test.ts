import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { pruneWebhooks } from '../../src/track/pruneWebhooks.ts';
import { WebhookIngest } from '../../src/track/webhookIngest.ts';
import { silentLogger } from '../../src/log.ts';
import { FIXTURES } from '../contract/wsapmeWebhooks.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

let app: TestApp;
let recipients: Array<{ id: number; phone_number: string; message_id: string }>;

beforeAll(async () => {
  app = await startTestApp({ POLL_MODE: 'off' }, { deliverProbability: 0 });
  app.simulator!.configure({ webhookUrl: null });
  const created = await app.api('POST', '/api/blasts', {
    message: 'Hi',
    recipients: Array.from({ length: 6 }, (_, i) => `+6013388800${i}`),
  });
  const id = created.body.blast_id as number;
  await app.api('POST', `/api/blasts/${id}/send`);
  await eventually(async () => (await app.api('GET', `/api/blasts/${id}`)).body.state === 'completed');
  recipients = await rows(app.db.db, sql`SELECT id, phone_number, message_id FROM blast_recipients WHERE blast_id = ${id} ORDER BY id`);
});
afterAll(async () => {
  await app?.close();
});

/** Posts a body as the gateway would, the secret in the path. */
async function post(contentType: string, body: string, path = `/webhooks/wsapme/${encodeURIComponent(app.config.webhookSecret!)}`) {
  const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, body: (await res.json()) as { request_id: number; events: Array<{ result: string; reason?: string }> } };
}
const statusOf = async (id: number) =>
  (await rows<{ status: string }>(app.db.db, sql`SELECT status FROM blast_recipients WHERE id = ${id}`))[0]!.status;

describe('the webhook endpoint, shape by shape', () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s: stored raw, answered 200 with each outcome', async (_name, f) => {
    const res = await post(f.contentType, f.body);
    expect(res.status).toBe(200);
    // The fixtures' message id was never sent: a status waits for its send; a reply is recorded.
    const want = f.expect.map((e) => (e.startsWith('status:') ? 'waiting' : e === 'inbound' ? 'applied' : e));
    expect(res.body.events.map((e) => e.result)).toEqual(want);
    const [raw] = await rows<{ body: string; content_type: string; secret_in: string }>(
      app.db.db,
      sql`SELECT body, content_type, secret_in FROM webhook_requests WHERE id = ${res.body.request_id}`,
    );
    expect(raw).toEqual({ body: f.body.replaceAll('\u0000', '\\u0000'), content_type: f.contentType, secret_in: 'path' });
    const [n] = await rows<{ n: number }>(
      app.db.db,
      sql`SELECT count(*)::int AS n FROM webhook_events WHERE request_id = ${res.body.request_id}`,
    );
    expect(n!.n).toBe(f.expect.length);
  });
});

describe('the webhook endpoint, with real recipients', () => {
  it('applies Baileys numbers and form bodies; replies and STOP from JIDs land on the E.164 number; group chatter changes nothing', async () => {
    const [a, b, c, d] = recipients;
    const key = (r: typeof a) => ({ remoteJid: `${r!.phone_number.slice(1)}@s.whatsapp.net`, fromMe: true, id: r!.message_id });
    expect(
      (
        await post(
          'application/json',
          JSON.stringify([
            { key: key(a), update: { status: 3 } },
            { key: key(b), status: 4 },
          ]),
        )
      ).body.events,
    ).toEqual([
      { result: 'applied', reason: 'applied' },
      { result: 'applied', reason: 'applied' },
    ]);
    expect(
      (await post('application/x-www-form-urlencoded', `data=${encodeURIComponent(JSON.stringify({ key: key(c), status: 'READ' }))}`))
        .status,
    ).toBe(200);
    expect([await statusOf(a!.id), await statusOf(b!.id), await statusOf(c!.id)]).toEqual(['DELIVERY_ACK', 'READ_ACK', 'READ_ACK']);

    const digits = d!.phone_number.slice(1);
    const group = {
      type: 'text',
      message: 'STOP',
      from: '120363000000000001@g.us',
      participant: `${digits}@s.whatsapp.net`,
      is_broadcast: false,
    };
    const status = { type: 'text', message: 'STOP', from: 'status@broadcast', is_broadcast: true };
    const groupRes = await post('application/json', JSON.stringify([group, status]));
    expect(groupRes.body.events.map((e) => e.result)).toEqual(['ignored', 'ignored']);
    expect(await statusOf(d!.id)).toBe('PENDING');
    expect((await app.api('GET', '/api/opt-outs')).body.opt_outs).toEqual([]);

    const stop = await post(
      'application/json',
      JSON.stringify({ type: 'text', message: 'STOP', from: `${digits}:4@s.whatsapp.net`, is_broadcast: false }),
    );
    expect(stop.body.events[0]).toEqual({ result: 'applied', reason: `reply to recipient ${d!.id}; opted out` });
    expect(await statusOf(d!.id)).toBe('REPLIED');
    const optOuts = (await app.api('GET', '/api/opt-outs')).body.opt_outs.map((o: { phone_number: string }) => o.phone_number);
    expect(optOuts).toEqual([d!.phone_number]);
  });

  it('a request the database refuses is dead-lettered alone: the others in its group commit are applied, all answered', async () => {
    const [, , , , e, f] = recipients;
    // Straight to the group commit, past the parser that would have caught the NUL: the last line of defence.
    const ingest = new WebhookIngest(app.db.db, silentLogger, { replyWindowHours: 168, windowMs: 200 }, () => {});
    const status = (mid: string) => ({
      kind: 'status' as const,
      messageId: mid,
      status: 'DELIVERY_ACK' as const,
      c2sTimestamp: null,
      payload: { mid },
    });
    const req = (mid: string) => ({
      contentType: 'application/json',
      body: JSON.stringify({ messageId: mid }),
      secretIn: 'header',
      events: [status(mid)],
    });
    const [ok1, poison, ok2] = await Promise.all([
      ingest.submit(req(e!.message_id)),
      ingest.submit(req('bad\u0000id')),
      ingest.submit(req(f!.message_id)),
    ]);
    expect(ok1.outcomes).toEqual([{ result: 'applied', reason: 'applied' }]);
    expect(ok2.outcomes).toEqual([{ result: 'applied', reason: 'applied' }]);
    expect(poison.outcomes).toEqual([
      { result: 'not_understood', reason: expect.stringMatching(/^refused by the database \(SQLSTATE 22/) },
    ]);
    expect([await statusOf(e!.id), await statusOf(f!.id)]).toEqual(['DELIVERY_ACK', 'DELIVERY_ACK']);
    const [raw] = await rows<{ body: string }>(app.db.db, sql`SELECT body FROM webhook_requests WHERE id = ${poison.requestId}`);
    expect(raw!.body).toBe('{"messageId":"bad\\u0000id"}');
  });

  it('a NUL byte beside valid events in one request and in one group commit: the valid ones apply, every request answered 200', async () => {
    const target = recipients[4]!;
    const bodies = [
      `[{"messageId":"${target.message_id}","status":"READ"},{"messageId":"x\\u0000y","status":"READ"}]`,
      `{"type":"text","message":"hi\\u0000","from":"60133888000@c.us"}`,
      `{"messageId":"${recipients[5]!.message_id}","status":4}`,
    ];
    const answers = await Promise.all(bodies.map((b) => post('application/json', b)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body.events.map((x) => x.result))).toEqual([
      ['applied', 'not_understood'],
      ['not_understood'],
      ['applied'],
    ]);
    expect([await statusOf(target.id), await statusOf(recipients[5]!.id)]).toEqual(['READ_ACK', 'READ_ACK']);
  });

  it('re-processes a not-understood event after an "upgrade", and lists outcomes with the raw body', async () => {
    const target = recipients[0]!;
    const body = JSON.stringify({ key: { id: target.message_id, fromMe: true }, update: { status: 4 } });
    // As an older version would have stored it: the raw request, its one event not understood.
    const [req] = await rows<{ id: number }>(
      app.db.db,
      sql`INSERT INTO webhook_requests (content_type, body) VALUES ('application/json', ${body}) RETURNING id`,
    );
    const [ev] = await rows<{ id: number }>(
      app.db.db,
      sql`INSERT INTO webhook_events (kind, payload, applied_at, outcome, request_id, ordinal, result)
          VALUES ('unknown', ${body}::jsonb, now(), 'not understood by an older version', ${req!.id}, 0, 'not_understood') RETURNING id`,
    );
    const listed = (await app.api('GET', '/api/webhook-events?result=not_understood&limit=500')).body;
    expect(listed.events.map((x: { id: number }) => x.id)).toContain(ev!.id);
    expect(listed.requests.find((r: { id: number }) => r.id === req!.id).body).toBe(body);

    const res = await app.api('POST', '/api/webhook-events/reprocess', { ids: [ev!.id] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, examined: 1, applied: 1, not_understood: 0 });
    expect(await statusOf(target.id)).toBe('READ_ACK');
    const [after] = await rows<{ result: string; request_id: number }>(
      app.db.db,
      sql`SELECT result, request_id FROM webhook_events WHERE request_id = ${req!.id}`,
    );
    expect(after).toEqual({ result: 'applied', request_id: req!.id });
    // All of them: what is still not understood stays so, and is counted.
    const all = await app.api('POST', '/api/webhook-events/reprocess', {});
    expect(all.body).toMatchObject({ success: true });
    expect(all.body.applied).toBe(0);
    expect(all.body.not_understood).toBeGreaterThan(0);
  });

  it('shows the webhook URL masked, and whole only when asked', async () => {
    const secret = app.config.webhookSecret!;
    const masked = (await app.api('GET', '/api/webhook-url')).body;
    expect(masked.url).toMatch(/\/webhooks\/wsapme\/.{4}…$/);
    expect(JSON.stringify(masked)).not.toContain(secret);
    expect(masked.reminder).toMatch(/Enable status/);
    const revealed = (await app.api('GET', '/api/webhook-url?reveal=true')).body;
    expect(revealed.url).toBe(`${app.url.replace('127.0.0.1', '127.0.0.1')}/webhooks/wsapme/${encodeURIComponent(secret)}`);
  });

  it('prunes bodies and events older than the retention', async () => {
    const [old] = await rows<{ id: number }>(
      app.db.db,
      sql`INSERT INTO webhook_requests (received_at, body) VALUES (now() - interval '40 days', '{}') RETURNING id`,
    );
    await app.db.db.execute(
      sql`INSERT INTO webhook_events (received_at, kind, request_id, result) VALUES (now() - interval '40 days', 'unknown', ${old!.id}, 'not_understood')`,
    );
    const before = await rows<{ n: number }>(app.db.db, sql`SELECT count(*)::int AS n FROM webhook_requests`);
    expect(await pruneWebhooks(app.db.db, 30)).toBe(2);
    const after = await rows<{ n: number }>(app.db.db, sql`SELECT count(*)::int AS n FROM webhook_requests`);
    expect(after[0]!.n).toBe(before[0]!.n - 1);
  });
});
