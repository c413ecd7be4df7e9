import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { RANK, type Status } from '../../src/domain/status.ts';
import { storeAccepted } from '../../src/send/storeOutcomes.ts';
import { type TestApp, eventually, sendBlastToCompletion, startTestApp } from '../helpers/testApp.ts';

const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+6013${String(3_000_001 + start + i)}`);

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const sendBlast = sendBlastToCompletion;

/** The simulator's own tally of what happened, as the cumulative funnel counts it. */
function simFunnel(a: TestApp) {
  const ms = a.simulator!.messages();
  return {
    sent: ms.length,
    received: ms.filter((m) => m.delivered || m.replied).length,
    read: ms.filter((m) => m.read || m.replied).length,
    replied: ms.filter((m) => m.replied).length,
  };
}

const hook = (a: TestApp, body: unknown, secret = a.config.webhookSecret!) =>
  a.api('POST', `/webhooks/wsapme?token=${encodeURIComponent(secret)}`, body);

describe('status tracking', () => {
  it('with duplicated, reordered and early webhooks, the report equals the simulator tally', async () => {
    app = await startTestApp(
      { POLL_MODE: 'off' },
      {
        duplicateWebhookProbability: 0.3,
        reorderWebhooks: true,
        reorderMaxMs: 300,
        earlyAckProbability: 0.3,
        replyProbability: 0.3,
        replyWithoutReadProbability: 0.1,
      },
    );
    const id = await sendBlast(app, phones(200));
    const expected = simFunnel(app);
    expect(expected.replied).toBeGreaterThan(0);
    expect(app.simulator!.stats().webhookDuplicates).toBeGreaterThan(0);
    const report = await eventually(async () => {
      const r = (await app!.api('GET', `/api/blasts/${id}/report`)).body;
      const s = simFunnel(app!);
      return r.sent === s.sent && r.received === s.received && r.read === s.read && r.replied === s.replied ? r : null;
    }, 30_000);
    expect(report).toMatchObject(simFunnel(app));
  });

  it('with webhooks off, check-status alone reaches the same tally in a few calls per recipient', async () => {
    app = await startTestApp(
      { POLL_MODE: 'off' },
      { replyProbability: 0, replyWithoutReadProbability: 0, deliverDelayMs: [5, 20], readDelayMs: [5, 20] },
    );
    app.simulator!.configure({ webhookUrl: null });
    const id = await sendBlast(app, phones(100));
    // Every simulated phone has delivered and read what it will: the tally stands still.
    await eventually(async () => app!.simulator!.stats().eventsPending === 0);
    let passes = 0;
    await eventually(
      async () => {
        passes++;
        const res = await app!.api('POST', `/api/blasts/${id}/check-status`);
        expect(res.body).toHaveProperty('checked');
        expect(res.body).toHaveProperty('updated');
        const r = (await app!.api('GET', `/api/blasts/${id}/report`)).body;
        const s = simFunnel(app!);
        return r.received === s.received && r.read === s.read;
      },
      20_000,
      50,
    );
    const calls = app.simulator!.stats().statusCalls;
    expect(calls / 100).toBeLessThanOrEqual(3);
    expect(passes).toBeLessThanOrEqual(3);
  });

  it('a reply without READ_ACK counts as read and received; the text is kept', async () => {
    app = await startTestApp({ POLL_MODE: 'off' }, { deliverProbability: 0 });
    const [p] = phones(1);
    const id = await sendBlast(app, [p!]);
    const res = await hook(app, { event: 'message', from: p, message: 'Interested, call me' });
    expect(res.status).toBe(200);
    const r = (await app.api('GET', `/api/blasts/${id}/report`)).body;
    expect(r).toMatchObject({ sent: 1, received: 1, read: 1, replied: 1 });
    const [msg] = await rows<{ text: string; recipient_id: number | null }>(
      app.db.db,
      sql`SELECT text, recipient_id FROM inbound_messages`,
    );
    expect(msg!.text).toBe('Interested, call me');
    expect(msg!.recipient_id).not.toBeNull();
  });

  it('STOP opts the number out and the next blast skips it', async () => {
    app = await startTestApp({ POLL_MODE: 'off' });
    const list = phones(3);
    await sendBlast(app, list);
    expect((await hook(app, { event: 'message', from: list[0], message: ' stop ' })).status).toBe(200);
    expect((await hook(app, { event: 'message', from: list[1]!.replace('+60', '0'), message: 'Berhenti.' })).status).toBe(200);
    const next = await app.api('POST', '/api/blasts', { message: 'Again', recipients: list });
    expect(next.body).toMatchObject({ total_recipients: 1, opted_out: 2 });
    const optOuts = (await app.api('GET', '/api/opt-outs')).body.opt_outs.map((o: { phone_number: string }) => o.phone_number);
    expect(optOuts.sort()).toEqual([list[0], list[1]].sort());
  });

  it('closes a sent recipient (by id and by phone) and refuses an unsent one', async () => {
    app = await startTestApp({ POLL_MODE: 'off' });
    const list = phones(2);
    const id = await sendBlast(app, list);
    const { recipients } = (await app.api('GET', `/api/blasts/${id}/recipients`)).body;
    const closed = await app.api('POST', `/api/recipients/${recipients[0].id}/close`);
    expect(closed.body.recipient).toMatchObject({ status: 'CLOSED' });
    expect(closed.body.recipient.closed_at).toBeTruthy();
    const byPhone = await app.api('POST', `/api/blasts/${id}/recipients/close`, { phone: list[1]!.replace('+60', '0') });
    expect(byPhone.body.recipient).toMatchObject({ status: 'CLOSED' });
    expect((await app.api('GET', `/api/blasts/${id}/report`)).body).toMatchObject({ closed: 2, replied: 2, read: 2 });

    const draft = await app.api('POST', '/api/blasts', { message: 'x', recipients: phones(1, 50) });
    const [unsent] = (await app.api('GET', `/api/blasts/${draft.body.blast_id}/recipients`)).body.recipients;
    const refused = await app.api('POST', `/api/recipients/${unsent.id}/close`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_state');
    expect((await app.api('POST', '/api/recipients/999999/close')).status).toBe(404);
  });

  it('a forged webhook is refused and stores nothing; a malformed one is stored, answered 200 and changes nothing', async () => {
    app = await startTestApp({ POLL_MODE: 'off' }, { webhookUrl: null, deliverProbability: 0 });
    app.simulator!.configure({ webhookUrl: null });
    const id = await sendBlast(app, phones(1));
    const [r] = (await app.api('GET', `/api/blasts/${id}/recipients`)).body.recipients;
    const snapshot = async () =>
      (
        await rows<{ events: number; requests: number; status: string }>(
          app!.db.db,
          sql`SELECT (SELECT count(*)::int FROM webhook_events) AS events, (SELECT count(*)::int FROM webhook_requests) AS requests,
                     (SELECT status FROM blast_recipients WHERE id = ${r.id}) AS status`,
        )
      )[0]!;
    const before = await snapshot();
    const good = { messageId: r.message_id, status: 'READ_ACK' };
    expect((await hook(app, good, 'wrong-secret')).status).toBe(401);
    expect((await app.api('POST', `/webhooks/wsapme/wrong-secret`, good)).status).toBe(401);
    expect((await app.api('POST', '/webhooks/wsapme', good)).status).toBe(401);
    expect((await app.api('POST', '/webhooks/wsapme', good, { 'x-webhook-secret': 'nope' })).status).toBe(401);
    expect((await hook(app, { messageId: r.message_id, status: 'READ_ACK', pad: 'x'.repeat(2 * 1024 * 1024) })).status).toBe(413);
    expect(await snapshot()).toEqual(before);
    // The right secret: kept raw, answered 200 with why it was not understood, and nothing applied.
    const malformed: Array<[unknown, string]> = [
      ['{"messageId": "x", ', 'body is not JSON'],
      [{ status: 'READ_ACK' }, 'neither a message id with a status nor a sender with a message'],
      [[], 'empty event list'],
      [{ messageId: r.message_id, status: 'WEIRD' }, 'unknown status'],
      [{ messageId: r.message_id, status: true }, 'status is a boolean, not a status'],
    ];
    for (const [body, reason] of malformed) {
      const res = await app.api('POST', '/webhooks/wsapme', body, { 'x-webhook-secret': app.config.webhookSecret! });
      expect(res.status).toBe(200);
      expect(res.body.events).toEqual([{ result: 'not_understood', reason }]);
    }
    expect(await snapshot()).toEqual({ events: before.events + 5, requests: before.requests + 5, status: 'PENDING' });
    const [raw] = await rows<{ body: string; content_type: string; secret_in: string }>(
      app.db.db,
      sql`SELECT body, content_type, secret_in FROM webhook_requests ORDER BY id LIMIT 1`,
    );
    expect(raw).toEqual({ body: '{"messageId": "x", ', content_type: 'application/json', secret_in: 'header' });
  });

  it('an event that arrives before its message id is stored waits in the inbox and applies on store', async () => {
    app = await startTestApp({ POLL_MODE: 'off' });
    const created = await app.api('POST', '/api/blasts', { message: 'x', recipients: phones(1, 70) });
    const [r] = (await app.api('GET', `/api/blasts/${created.body.blast_id}/recipients`)).body.recipients;
    await app.db.db.execute(sql`UPDATE blast_recipients SET status = 'SENDING', claimed_by = 'owner-1' WHERE id = ${r.id}`);
    expect((await hook(app, { messageId: 'EARLY1', status: 'DELIVERY_ACK', messageC2STimestamp: '1700000000' })).status).toBe(200);
    const waiting = (await app.api('GET', '/api/webhook-events?unmatched=true')).body.events;
    expect(waiting.map((e: { message_id: string }) => e.message_id)).toContain('EARLY1');
    await storeAccepted(app.db.db, 'owner-1', 'dev', [{ id: r.id, messageId: 'EARLY1', data: {}, sentAt: Date.now() }]);
    const [row] = await rows<{ status: string; c2s: string; delivered: boolean }>(
      app.db.db,
      sql`SELECT status, message_c2s_timestamp AS c2s, delivered_at IS NOT NULL AS delivered FROM blast_recipients WHERE id = ${r.id}`,
    );
    expect(row).toEqual({ status: 'DELIVERY_ACK', c2s: '1700000000', delivered: true });
    expect((await app.api('GET', '/api/webhook-events?unmatched=true')).body.events).toHaveLength(0);
  });

  it('thousands of concurrent webhooks: zero lost, zero regressed', async () => {
    app = await startTestApp({ POLL_MODE: 'off' }, { deliverProbability: 0 });
    app.simulator!.configure({ webhookUrl: null });
    const id = await sendBlast(app, phones(300, 100));
    const recips = await rows<{ id: number; message_id: string }>(
      app.db.db,
      sql`SELECT id, message_id FROM blast_recipients WHERE blast_id = ${id}`,
    );
    const choices = ['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'DELIVERY_ACK', 'READ_ACK'] as const;
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const events: Array<{ messageId: string; status: string }> = [];
    const highest = new Map<string, Status>();
    for (const r of recips) {
      const n = 1 + Math.floor(rand() * 15);
      for (let i = 0; i < n; i++) {
        const s = choices[Math.floor(rand() * choices.length)]!;
        events.push({ messageId: r.message_id, status: s });
        if (!highest.has(r.message_id) || RANK[s] > RANK[highest.get(r.message_id)!]) highest.set(r.message_id, s);
      }
    }
    events.sort(() => rand() - 0.5);
    expect(events.length).toBeGreaterThan(2000);
    let next = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < events.length) {
          const e = events[next++]!;
          const res = await hook(app!, e);
          if (res.status !== 200) failures++;
        }
      }),
    );
    expect(failures).toBe(0);
    const final = await rows<{ message_id: string; status: Status }>(
      app.db.db,
      sql`SELECT message_id, status FROM blast_recipients WHERE blast_id = ${id}`,
    );
    const wrong = final.filter((f) => f.status !== highest.get(f.message_id));
    expect(wrong).toEqual([]);
    const [stored] = await rows<{ n: number }>(app.db.db, sql`SELECT count(*)::int AS n FROM webhook_events`);
    expect(stored!.n).toBe(events.length);
  });
});
