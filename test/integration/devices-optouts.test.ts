import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('devices', () => {
  it('overrides pacing per device; the sender follows the override', async () => {
    app = await startTestApp({ SEND_RATE: '200', SEND_BURST: '20' });
    const put = await app.api('PUT', '/api/devices/slow-1', { rate: 2, burst: 1, label: 'Slow SIM' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'slow-1', rate: 2, burst: 1, label: 'Slow SIM', effective: { rate: 2, burst: 1 } });
    expect((await app.api('PUT', '/api/devices/slow-1', { rate: -1 })).status).toBe(400);
    expect((await app.api('PUT', '/api/devices/slow-1', { speed: 3 })).body.error.details[0].field).toBe('speed');

    const created = await app.api('POST', '/api/blasts', {
      message: 'x',
      device: 'slow-1',
      recipients: Array.from({ length: 6 }, (_, i) => `+6013700000${i + 1}`),
    });
    const started = Date.now();
    await app.api('POST', `/api/blasts/${created.body.blast_id}/send`);
    await eventually(async () => (await app!.api('GET', `/api/blasts/${created.body.blast_id}`)).body.state === 'completed', 20_000);
    // Six messages at 2/s with a burst of one: at least 2.5 s, whatever the machine.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
    // The engine's promise, read where it is kept: no three claims within one second. (The
    // simulator's wall-clock windows can see a third arrival when the network delays one request
    // more than the next — jitter on the way, not the engine's pace.) A claim's now() is taken when
    // its statement starts, a little after the engine decided: 100 ms of room for a busy machine;
    // a broken pace puts the third claim 0 or 500 ms after the first.
    const claims = (
      await rows<{ ms: number }>(
        app.database.db,
        sql`SELECT extract(epoch FROM claimed_at) * 1000 AS ms FROM blast_recipients WHERE blast_id = ${created.body.blast_id} ORDER BY claimed_at`,
      )
    ).map((r) => Number(r.ms));
    expect(claims).toHaveLength(6);
    for (let i = 2; i < claims.length; i++) expect(claims[i]! - claims[i - 2]!).toBeGreaterThanOrEqual(900);
    const list = (await app.api('GET', '/api/devices')).body.devices;
    expect(list.find((d: { id: string }) => d.id === 'slow-1')).toMatchObject({ sent_today: 6 });
  });
});

describe('opt-outs', () => {
  it('adds by hand (normalised), lists, keeps them out of new blasts, and removes', async () => {
    app = await startTestApp();
    const add = await app.api('POST', '/api/opt-outs', { phone: '012-345 6789' });
    expect(add.body).toEqual({ success: true, phone_number: '+60123456789', added: true });
    expect((await app.api('POST', '/api/opt-outs', { phone: 'abc' })).status).toBe(400);
    expect((await app.api('GET', '/api/opt-outs')).body.opt_outs.map((o: { phone_number: string }) => o.phone_number)).toEqual([
      '+60123456789',
    ]);
    const blast = await app.api('POST', '/api/blasts', { message: 'x', recipients: ['+60123456789', '+60123456780'] });
    expect(blast.body).toMatchObject({ total_recipients: 1, opted_out: 1 });
    expect((await app.api('DELETE', `/api/opt-outs/${encodeURIComponent('+60123456789')}`)).status).toBe(200);
    expect((await app.api('DELETE', `/api/opt-outs/${encodeURIComponent('+60123456789')}`)).status).toBe(404);
  });
});

describe('follow-up from a funnel segment', () => {
  it('creates the next blast from "read but not replied", keeping variables and the parent link', async () => {
    app = await startTestApp({ POLL_MODE: 'off' }, { deliverProbability: 0 });
    app.simulator!.configure({ webhookUrl: null });
    const recipients = [
      { phone: '+60138000001', name: 'Ali' },
      { phone: '+60138000002', name: 'Bo' },
      { phone: '+60138000003', name: 'Cy' },
    ];
    const created = await app.api('POST', '/api/blasts', { message: 'Hi {{name}}', blast_tag: 'Launch', recipients });
    const parent = created.body.blast_id;
    await app.api('POST', `/api/blasts/${parent}/send?wait=true`);
    const list = (await app.api('GET', `/api/blasts/${parent}/recipients`)).body.recipients;
    const hook = (body: unknown) => app!.api('POST', `/webhooks/wsapme?token=${app!.config.webhookSecret}`, body);
    await hook({ messageId: list[0].message_id, status: 'READ_ACK' });
    await hook({ messageId: list[1].message_id, status: 'READ_ACK' });
    await hook({ event: 'message', from: '+60138000002', message: 'yes please' });

    const dry = await app.api('POST', `/api/blasts/${parent}/follow-up`, {
      segment: 'read_not_replied',
      message: 'Still keen, {{name}}?',
      dry_run: true,
    });
    expect(dry.body).toMatchObject({
      blast_id: null,
      total_recipients: 1,
      preview: [{ phone: '+60138000001', variables: { name: 'Ali' } }],
    });
    const follow = await app.api('POST', `/api/blasts/${parent}/follow-up`, {
      segment: 'read_not_replied',
      message: 'Still keen, {{name}}?',
      follow_up_stage: 'Follow-up 1',
    });
    expect(follow.status).toBe(201);
    const blast = (await app.api('GET', `/api/blasts/${follow.body.blast_id}`)).body;
    expect(blast).toMatchObject({
      parent_blast_id: parent,
      segment: 'read_not_replied',
      tag: 'Launch',
      follow_up_stage: 'Follow-up 1',
      total_recipients: 1,
    });
    expect(
      (await app.api('POST', `/api/blasts/${parent}/follow-up`, { segment: 'replied_not_closed', message: 'x' })).body.total_recipients,
    ).toBe(1);
    expect((await app.api('POST', `/api/blasts/${parent}/follow-up`, { segment: 'failed', message: 'x' })).status).toBe(400);
    expect((await app.api('POST', `/api/blasts/${parent}/follow-up`, { segment: 'everyone', message: 'x' })).status).toBe(400);
  });
});
