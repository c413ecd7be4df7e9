import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+6013${String(5_000_001 + start + i)}`);

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

interface DeviceView {
  id: string;
  sending: { state: string; kind?: string };
  health: {
    status: string;
    sent_today: number;
    daily_cap: number | null;
    paused: { at: string; reason: string } | null;
    last_refusal: { at: string; reason: string } | null;
    error_rate: { window: number; sends: number; errors: number; rate: number | null; pause_above: number };
    probably_blocked: number;
  };
}

const devices = async (a: TestApp) => new Map(((await a.api('GET', '/api/devices')).body.devices as DeviceView[]).map((d) => [d.id, d]));
const blastState = async (a: TestApp, id: number) => (await a.api('GET', `/api/blasts/${id}`)).body.state as string;
/** The device each accepted message of this text went out from, by phone. */
const sentFrom = (a: TestApp, text: string) =>
  new Map(
    a
      .simulator!.messages()
      .filter((m) => m.text === text)
      .map((m) => [m.to, m.device]),
  );

describe('sender pools over the simulator (real HTTP)', () => {
  it('a pool of 3 with one device failing midway: each number once, follow-ups from the first sender, no device above its cap', async () => {
    app = await startTestApp({ SEND_RATE: '20', SEND_BURST: '2' }, { replyProbability: 0, deliverProbability: 1 });
    const caps: Record<string, number> = { d1: 200, d2: 200, d3: 20 };
    for (const [id, cap] of Object.entries(caps)) expect((await app.api('PUT', `/api/devices/${id}`, { daily_cap: cap })).status).toBe(200);
    const list = phones(70);
    const created = await app.api('POST', '/api/blasts', { message: 'First', recipients: list, devices: ['d1', 'd2', 'd3'] });
    expect(created.status).toBe(201);
    const id = created.body.blast_id as number;
    const blast = (await app.api('GET', `/api/blasts/${id}`)).body;
    expect(blast).toMatchObject({ device: 'd1', devices: ['d1', 'd2', 'd3'] });
    await app.api('POST', `/api/blasts/${id}/send`);

    // d1's phone goes offline once it has sent a few: it is held, and the rest of the pool takes its new phones.
    await eventually(async () => app!.simulator!.messages().filter((m) => m.device === 'd1').length >= 5);
    app.simulator!.configure({ offlineDevices: ['d1'] });
    await eventually(async () => (await devices(app!)).get('d1')?.sending.state === 'held');
    await eventually(async () => (await blastState(app!, id)) === 'completed', 120_000);

    // Every number exactly once, nobody failed or uncertain.
    const tally = app.simulator!.tally();
    expect(Object.keys(tally).sort()).toEqual([...list].sort());
    expect(Object.values(tally).every((n) => n === 1)).toBe(true);
    expect((await app.api('GET', `/api/blasts/${id}/report`)).body).toMatchObject({ sent: 70, failed: 0, uncertain: 0 });
    const first = sentFrom(app, 'First');
    const perDevice = (m: Map<string, string>) => {
      const count: Record<string, number> = {};
      for (const d of m.values()) count[d] = (count[d] ?? 0) + 1;
      return count;
    };
    const counts = perDevice(first);
    expect(Object.keys(counts).sort()).toEqual(['d1', 'd2', 'd3']);
    expect(counts.d1).toBeLessThan(70 / 3); // it stopped taking new numbers when it failed
    expect(app.simulator!.stats().deviceOffline).toBeGreaterThan(0);
    // The recipients say which device sent them, as the gateway saw it.
    const recipients = (await app.api('GET', `/api/blasts/${id}/recipients?limit=500`)).body.recipients as Array<{
      phone_number: string;
      device: string;
    }>;
    for (const r of recipients) expect(r.device).toBe(first.get(r.phone_number));

    // d1 is back; a person resumes it. d3 is paused by hand, and its cap raised for the follow-up.
    app.simulator!.configure({ offlineDevices: [] });
    expect((await app.api('POST', '/api/devices/d1/resume')).body.sending).toEqual({ state: 'running' });
    for (const d of ['d1', 'd2', 'd3']) expect(counts[d]).toBeLessThanOrEqual(caps[d]!);
    caps.d3 = 100;
    await app.api('PUT', '/api/devices/d3', { daily_cap: caps.d3 });
    expect((await app.api('POST', '/api/devices/d3/pause')).body.health.status).toBe('paused');
    await eventually(async () => (await app!.api('GET', `/api/blasts/${id}/recipients?status=PENDING&limit=1`)).body.total === 0);

    // The follow-up goes to each number from the device that first messaged it.
    const follow = await app.api('POST', `/api/blasts/${id}/follow-up`, { segment: 'not_replied', message: 'Again' });
    expect(follow.status).toBe(201);
    const followId = follow.body.blast_id as number;
    expect((await app.api('GET', `/api/blasts/${followId}`)).body.devices).toEqual(['d1', 'd2', 'd3']);
    await app.api('POST', `/api/blasts/${followId}/send`);
    // d3 is paused: its numbers wait for it rather than go out from another device.
    const members = await rows<{ phone_number: string; device: string | null }>(
      app.db.db,
      sql`SELECT phone_number, device FROM blast_recipients WHERE blast_id = ${followId}`,
    );
    // Each member was assigned at creation to its first sender.
    for (const m of members) expect(m.device).toBe(first.get(m.phone_number));
    const ofD3 = members.filter((m) => m.device === 'd3').length;
    await eventually(async () => sentFrom(app!, 'Again').size === members.length - ofD3, 120_000);
    const waiting = await rows<{ device: string; n: number }>(
      app.db.db,
      sql`SELECT device, count(*)::int AS n FROM blast_recipients WHERE blast_id = ${followId} AND status = 'QUEUED' GROUP BY device`,
    );
    expect(waiting).toEqual([{ device: 'd3', n: ofD3 }]);
    expect(await blastState(app, followId)).toBe('sending');
    // Resumed: they go, from d3.
    await app.api('POST', '/api/devices/d3/resume');
    await eventually(async () => (await blastState(app!, followId)) === 'completed', 120_000);
    const again = sentFrom(app, 'Again');
    expect(again.size).toBe(members.length);
    for (const [phone, device] of again) expect(device).toBe(first.get(phone));

    // No device above its cap: what the gateway accepted per device, and what the API counts today.
    const total = perDevice(new Map([...app.simulator!.messages().map((m) => [m.messageId, m.device] as const)]));
    const now = await devices(app);
    for (const [d, cap] of Object.entries(caps)) {
      expect(total[d] ?? 0).toBeLessThanOrEqual(cap);
      expect(now.get(d)!.health).toMatchObject({ sent_today: total[d], daily_cap: cap });
    }
  }, 240_000);

  it('pauses a device whose error rate passes the threshold, shows why, and lists numbers that probably blocked it', async () => {
    // Every other number is refused by the gateway; nothing is ever delivered.
    const list = phones(40, 100);
    const refused = list.filter((_, i) => i % 2 === 1);
    // Slow enough that the health sweep (every 5 s) pauses it with numbers still queued, on any machine.
    app = await startTestApp({ SEND_RATE: '2', SEND_BURST: '1' }, { invalidNumbers: refused, deliverProbability: 0, replyProbability: 0 });
    const created = await app.api('POST', '/api/blasts', { message: 'Hi', recipients: list, device: 'h1' });
    const id = created.body.blast_id as number;
    await app.api('POST', `/api/blasts/${id}/send`);
    const paused = (await eventually(async () => {
      const d = (await devices(app!)).get('h1');
      return d?.health.status === 'paused' ? d : null;
    }))!;
    expect(paused.health.paused!.reason).toMatch(/^paused automatically: error rate \d+(\.\d)?% over the last \d+ sends is above 20%$/);
    expect(paused.health.error_rate.rate).toBeGreaterThan(0.2);
    expect(paused.health.error_rate).toMatchObject({ window: 50, pause_above: 0.2 });
    expect(paused.health.last_refusal?.reason).toBeTruthy();
    expect(paused.health.last_refusal?.reason).not.toMatch(/\d{6,}/);
    // Paused: the blast waits with numbers still queued (the claim of a paused device is proved empty in sender-pool-claim.test.ts).
    const report = (await app.api('GET', `/api/blasts/${id}/report`)).body;
    expect(report.queued).toBeGreaterThan(0);
    expect(await blastState(app, id)).toBe('sending');
    // Resumed: a fresh error window.
    app.simulator!.configure({ invalidNumbers: [] });
    const resumed = await app.api('POST', '/api/devices/h1/resume');
    expect(resumed.body.health.paused).toBeNull();
    // A fresh window: at most what the woken sender settled before this answer, far below the paused window.
    expect(resumed.body.health.error_rate.sends).toBeLessThan(paused.health.error_rate.sends);
    await eventually(async () => (await blastState(app!, id)) === 'completed', 120_000);

    // A week later, the accepted messages were never delivered: they probably blocked the number.
    await app.db.db.execute(
      sql`UPDATE blast_recipients SET sent_at = sent_at - interval '8 days' WHERE blast_id = ${id} AND status = 'PENDING'`,
    );
    const pending = await rows<{ phone_number: string }>(
      app.db.db,
      sql`SELECT phone_number FROM blast_recipients WHERE blast_id = ${id} AND status = 'PENDING' ORDER BY phone_number`,
    );
    expect(pending.length).toBeGreaterThan(0);
    const blocked = (await app.api('GET', '/api/devices/h1/probably-blocked?limit=500')).body;
    expect(blocked).toMatchObject({ device: 'h1', days: 7, total: pending.length });
    expect(blocked.numbers.map((n: { phone_number: string }) => n.phone_number).sort()).toEqual(pending.map((p) => p.phone_number));
    expect((await devices(app)).get('h1')!.health).toMatchObject({ probably_blocked: pending.length, status: 'warning' });
    // One click: opt the first one out; it leaves the list.
    const one = blocked.numbers[0].phone_number as string;
    expect((await app.api('POST', '/api/opt-outs', { phone: one, reason: 'probably blocked this number' })).status).toBe(201);
    const after = (await app.api('GET', '/api/devices/h1/probably-blocked')).body;
    expect(after.total).toBe(pending.length - 1);
    expect(after.numbers.map((n: { phone_number: string }) => n.phone_number)).not.toContain(one);
    expect((await app.api('GET', '/api/devices/nope/probably-blocked')).status).toBe(404);

    // By hand: pause with a reason, resume.
    const byHand = await app.api('POST', '/api/devices/h1/pause', { reason: 'checking the phone' });
    expect(byHand.body.health.paused.reason).toBe('paused by hand: checking the phone');
    expect((await app.api('POST', '/api/devices/h1/resume')).body.health.status).not.toBe('paused');
  });

  it('takes the pool in JSON and CSV, and refuses a bad one with the field named', async () => {
    app = await startTestApp();
    const ok = await app.api('POST', '/api/blasts', { message: 'x', recipients: phones(2, 300), device: 'b', devices: ['a', 'b'] });
    expect(ok.status).toBe(201);
    expect((await app.api('GET', `/api/blasts/${ok.body.blast_id}`)).body).toMatchObject({ device: 'b', devices: ['b', 'a'] });
    const bad = [
      [{ devices: ['a', 'a'] }, 'devices'],
      [{ devices: [] }, 'devices'],
      [{ devices: ['my phone'] }, 'devices.0'],
      [{ device: 'c', devices: ['a', 'b'] }, 'device'],
    ] as const;
    for (const [body, field] of bad) {
      const r = await app.api('POST', '/api/blasts', { message: 'x', recipients: phones(1, 310), ...body });
      expect(r.status).toBe(400);
      expect(r.body.error.details[0].field).toBe(field);
    }
    const form = new FormData();
    form.append('message', 'csv');
    form.append('devices', 'c1, c2,c3');
    form.append('file', new Blob([`phone\n${phones(3, 320).join('\n')}\n`], { type: 'text/csv' }), 'r.csv');
    const up = await fetch(`${app.url}/api/blasts/upload`, { method: 'POST', body: form });
    expect(up.status).toBe(201);
    const id = ((await up.json()) as { blast_id: number }).blast_id;
    expect((await app.api('GET', `/api/blasts/${id}`)).body).toMatchObject({ device: 'c1', devices: ['c1', 'c2', 'c3'] });
  });
});
