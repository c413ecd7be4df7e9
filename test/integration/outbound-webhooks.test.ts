import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { pruneDeliveryLog } from '../../src/outbound/deliveryLog.ts';
import { type TestApp, eventually, sendBlastToCompletion, startTestApp } from '../helpers/testApp.ts';
import { statusChains, unverified, verifies } from '../helpers/outboundChecks.ts';
import { type Subscriber, startSubscriber } from '../helpers/webhookSubscriber.ts';

const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+6014${String(4_000_001 + start + i)}`);
const ALL = ['recipient.status_changed', 'recipient.replied', 'recipient.opted_out', 'blast.completed'];

let app: TestApp | null = null;
let subscriber: Subscriber | null = null;
afterEach(async () => {
  await app?.close();
  await subscriber?.close();
  app = null;
  subscriber = null;
});

const pending = async (a: TestApp) =>
  (
    await rows<{ n: number }>(
      a.db.db,
      sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL`,
    )
  )[0]!.n;

const sendBlast = sendBlastToCompletion;

describe('outbound webhooks', () => {
  it('a subscriber failing at first receives every event of a 300-recipient blast, signed, in order per recipient', async () => {
    subscriber = await startSubscriber({ failFirst: 6 });
    app = await startTestApp({ POLL_MODE: 'off' }, { replyProbability: 0.3, stopProbability: 0.2 });
    const created = await app.api('POST', '/api/webhook-endpoints', { url: subscriber.url, events: ALL });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const { id: endpointId, secret } = created.body as { id: number; secret: string };

    const blastId = await sendBlast(app, phones(300), 150_000);
    // The simulated phones go on delivering, reading and replying after the blast completes: wait
    // until they have nothing more to tell, so every change is in the outbox, and then until the
    // outbox is drained.
    const sim = app.simulator!;
    await eventually(async () => sim.stats().eventsPending === 0 && (await pending(app!)) === 0, 150_000, 200);

    const finals = await rows<{ id: number; status: string; phone_number: string }>(
      app.db.db,
      sql`SELECT id, status, phone_number FROM blast_recipients WHERE blast_id = ${blastId}`,
    );
    expect(finals).toHaveLength(300);
    // Every request carries a signature that Standard Webhooks' verifier accepts with the endpoint's secret.
    expect(subscriber.received.filter((r) => r.status === 500)).toHaveLength(6);
    expect(unverified(subscriber.received, [secret])).toHaveLength(0);
    // Every recipient's last reported status is its status now, reached by an unbroken, ordered chain.
    const { broken, last } = statusChains(subscriber);
    expect(broken).toEqual([]);
    const mismatched = finals.filter((f) => last.get(f.id) !== f.status);
    expect(mismatched).toEqual([]);
    // A refused delivery came back with the same webhook-id and the same body.
    const refused = subscriber.received.filter((r) => r.status === 500);
    for (const r of refused) {
      const again = subscriber.accepted().find((a) => a.id === r.headers['webhook-id']);
      expect(again?.event).toEqual(JSON.parse(r.body));
    }
    // Phones are E.164; replies carry their text and opt-outs name the recipient.
    const events = subscriber.accepted().map((a) => a.event);
    const byId = new Map(finals.map((f) => [f.id, f.phone_number]));
    for (const e of events.filter((x) => x.type.startsWith('recipient.'))) {
      expect(e.data.phone).toMatch(/^\+\d{8,15}$/);
      expect(byId.get(e.data.recipient_id)).toBe(e.data.phone);
      expect(e.data.blast_id).toBe(blastId);
    }
    const replies = await rows<{ n: number }>(
      app.db.db,
      sql`SELECT count(*)::int AS n FROM inbound_messages WHERE recipient_id IS NOT NULL`,
    );
    const replied = events.filter((e) => e.type === 'recipient.replied');
    expect(replied.length).toBe(replies[0]!.n);
    expect(replied.length).toBeGreaterThan(0);
    expect(replied.every((e) => typeof e.data.text === 'string' && e.data.text.length > 0)).toBe(true);
    const optOuts = await rows<{ n: number }>(app.db.db, sql`SELECT count(*)::int AS n FROM opt_outs`);
    expect(optOuts[0]!.n).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'recipient.opted_out')).toHaveLength(optOuts[0]!.n);
    expect(events.filter((e) => e.type === 'blast.completed').map((e) => e.data.blast_id)).toEqual([blastId]);
    // The log shows the retried deliveries as delivered after more than one attempt.
    const log = await app.api('GET', `/api/webhook-endpoints/${endpointId}/deliveries?status=delivered&limit=500`);
    expect(log.body.total).toBe(new Set(subscriber.accepted().map((a) => a.id)).size);
    const retried = await rows<{ n: number }>(app.db.db, sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE attempts > 1`);
    expect(retried[0]!.n).toBeGreaterThan(0);
  }, 360_000);

  it('writes nothing to the outbox when no enabled endpoint subscribes', async () => {
    app = await startTestApp({ POLL_MODE: 'off' }, { replyProbability: 0.3 });
    const off = await app.api('POST', '/api/webhook-endpoints', { url: 'http://127.0.0.1:9/x', events: ['recipient.status_changed'] });
    await app.api('PATCH', `/api/webhook-endpoints/${off.body.id}`, { enabled: false });
    await app.api('POST', '/api/webhook-endpoints', { url: 'http://127.0.0.1:9/y', events: ['blast.completed'] });
    await sendBlast(app, phones(20, 1000));
    const types = await rows<{ type: string }>(app.db.db, sql`SELECT DISTINCT type FROM webhook_deliveries`);
    expect(types.map((t) => t.type)).toEqual(['blast.completed']);
  });

  it('manages endpoints: masked secrets, validation, rotation signing with both secrets, redelivery with the same id', async () => {
    subscriber = await startSubscriber();
    app = await startTestApp({ POLL_MODE: 'off' });
    expect((await app.api('POST', '/api/webhook-endpoints', { url: 'ftp://x.example/', events: ALL })).status).toBe(400);
    expect((await app.api('POST', '/api/webhook-endpoints', { url: subscriber.url, events: ['recipient.exploded'] })).status).toBe(400);
    expect((await app.api('POST', '/api/webhook-endpoints', { url: subscriber.url, events: [] })).status).toBe(400);
    expect((await app.api('GET', '/api/webhook-endpoints/999')).status).toBe(404);

    const { id, secret: oldSecret } = (
      await app.api('POST', '/api/webhook-endpoints', { url: subscriber.url, events: ['recipient.opted_out'] })
    ).body;
    const listed = (await app.api('GET', '/api/webhook-endpoints')).body.endpoints;
    expect(listed).toHaveLength(1);
    expect(listed[0].secret).not.toBe(oldSecret);
    expect(listed[0].secret).toBe(`whsec_…${oldSecret.slice(-4)}`);
    expect(JSON.stringify(listed)).not.toContain(oldSecret.slice(6, 20));

    const rotated = await app.api('POST', `/api/webhook-endpoints/${id}/rotate-secret`);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect((await app.api('POST', '/api/opt-outs', { phone: '+60145550001' })).status).toBe(201);
    await eventually(async () => subscriber!.received.length === 1);
    const [first] = subscriber.received;
    expect(first!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifies(first!, oldSecret)).toBe(true);
    expect(verifies(first!, newSecret)).toBe(true);
    expect(JSON.parse(first!.body)).toMatchObject({ type: 'recipient.opted_out', data: { phone: '+60145550001', recipient_id: null } });

    // The subscriber has answered; the worker records the answer right after.
    const log = await eventually(async () => {
      const l = (await app!.api('GET', `/api/webhook-endpoints/${id}/deliveries`)).body;
      return l.deliveries[0]?.status === 'delivered' ? l : null;
    });
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ id: first!.headers['webhook-id'], status: 'delivered', attempts: 1, last_status_code: 200 });
    const again = await app.api('POST', `/api/webhook-endpoints/${id}/deliveries/${log.deliveries[0].id}/redeliver`);
    expect(again.status).toBe(202);
    await eventually(async () => subscriber!.received.length === 2);
    expect(subscriber.received[1]!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(subscriber.received[1]!.body).toBe(first!.body);
    expect((await app.api('POST', `/api/webhook-endpoints/${id}/deliveries/msg_nope/redeliver`)).status).toBe(404);

    const patched = await app.api('PATCH', `/api/webhook-endpoints/${id}`, {
      events: ['blast.completed', 'blast.completed'],
      enabled: false,
    });
    expect(patched.body).toMatchObject({ events: ['blast.completed'], enabled: false, disabled_reason: 'disabled by hand' });
    expect((await app.api('DELETE', `/api/webhook-endpoints/${id}`)).status).toBe(200);
    expect((await app.api('GET', `/api/webhook-endpoints/${id}/deliveries`)).status).toBe(404);
  });

  it('gives a delivery up after its retry window, releasing the next one of its recipient; disables an endpoint failing for days', async () => {
    subscriber = await startSubscriber({ failFirst: 1_000_000 });
    app = await startTestApp({ POLL_MODE: 'off', OUTBOUND_DISABLE_AFTER_DAYS: '5' });
    const { id } = (await app.api('POST', '/api/webhook-endpoints', { url: subscriber.url, events: ['recipient.opted_out'] })).body;
    await app.api('POST', '/api/opt-outs', { phone: '+60145550002' });
    await eventually(async () => subscriber!.received.length >= 1);
    await app.api('DELETE', '/api/opt-outs/+60145550002');
    await app.api('POST', '/api/opt-outs', { phone: '+60145550002' });
    // The second event of this number waits behind the first, which fails and is not due for a while.
    const [firstId] = subscriber.received.map((r) => r.headers['webhook-id']);
    expect(new Set(subscriber.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([firstId]));
    // Pretend the first was created 25 hours ago and is due: its next failure gives it up.
    await app.db.db.execute(
      sql`UPDATE webhook_deliveries SET retry_from = now() - interval '25 hours', next_attempt_at = now() WHERE id = ${firstId}`,
    );
    const failed = await eventually(
      async () => (await app!.api('GET', `/api/webhook-endpoints/${id}/deliveries?status=failed`)).body.deliveries[0],
    );
    expect(failed).toMatchObject({ id: firstId, status: 'failed', last_status_code: 500, last_error: 'HTTP 500' });
    await eventually(async () => subscriber!.received.some((r) => r.headers['webhook-id'] !== firstId));
    // Failing since 6 days: the next failure disables it, with the reason shown.
    await app.db.db.execute(sql`UPDATE webhook_endpoints SET failing_since = now() - interval '6 days' WHERE id = ${id}`);
    await app.db.db.execute(sql`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE given_up_at IS NULL`);
    const disabled = await eventually(async () => {
      const e = (await app!.api('GET', `/api/webhook-endpoints/${id}`)).body;
      return e.enabled === false ? e : null;
    });
    expect(disabled.disabled_reason).toContain('failing for 5 days');
    const reenabled = (await app.api('PATCH', `/api/webhook-endpoints/${id}`, { enabled: true })).body;
    expect(reenabled).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
    // The log keeps finished deliveries for 30 days; pending ones are never pruned.
    await app.db.db.execute(sql`UPDATE webhook_deliveries SET given_up_at = now() - interval '31 days' WHERE id = ${firstId}`);
    expect(await pruneDeliveryLog(app.db.db)).toBe(1);
    const left = await rows<{ id: string }>(app.db.db, sql`SELECT id FROM webhook_deliveries`);
    expect(left.map((r) => r.id)).not.toContain(firstId);
    expect(left.length).toBeGreaterThan(0);
  });
});
