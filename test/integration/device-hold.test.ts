import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

// The simulator speaks the real WSAPME dialect (its default): refusals are 200 + success:false.
const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+6013${String(3_000_001 + start + i)}`);

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function createAndSend(a: TestApp, recipients: string[]) {
  const created = await a.api('POST', '/api/blasts', { blast_tag: 'hold', message: 'Hi {{phone}}', recipients });
  expect(created.status).toBe(201);
  const id = created.body.blast_id as number;
  expect((await a.api('POST', `/api/blasts/${id}/send`)).status).toBe(200);
  return id;
}

async function device(a: TestApp, id = '5850') {
  const list = (await a.api('GET', '/api/devices')).body.devices as Array<{ id: string; sending: Record<string, unknown> }>;
  return list.find((d) => d.id === id);
}

const accepted = (a: TestApp) => a.simulator!.stats().accepted;

/** Every number of `list` contacted exactly once, nobody else; no recipient FAILED or UNCERTAIN. */
async function expectEachOnceAndNobodyFailed(a: TestApp, id: number, list: string[]) {
  const tally = a.simulator!.tally();
  expect(Object.keys(tally).sort()).toEqual([...list].sort());
  expect(Object.values(tally).every((n) => n === 1)).toBe(true);
  const bad = await rows<{ status: string; n: number }>(
    a.db.db,
    sql`SELECT status, count(*)::int AS n FROM blast_recipients WHERE blast_id = ${id} AND status IN ('FAILED', 'UNCERTAIN', 'QUEUED', 'SENDING') GROUP BY status`,
  );
  expect(bad).toEqual([]);
  expect((await a.api('GET', `/api/blasts/${id}`)).body.state).toBe('completed');
}

describe('device hold: the token refused, the device offline, a run of refusals', () => {
  it('holds the device through a refused token and an offline phone, then finishes by itself: each number once, nobody failed', async () => {
    app = await startTestApp({ SEND_RATE: '10', SEND_BURST: '1' });
    const list = phones(60);
    const id = await createAndSend(app, list);
    expect((await device(app))?.sending).toEqual({ state: 'running' });

    // 1. The token is refused mid-blast.
    await eventually(async () => accepted(app!) >= 10);
    app.simulator!.configure({ refuseToken: true });
    const heldForToken = await eventually(async () => {
      const d = await device(app!);
      return d?.sending.state === 'held' ? d.sending : null;
    });
    expect(heldForToken).toMatchObject({ kind: 'auth', reason: 'Unauthorised Token', retry_at: expect.any(String) });
    // The blast waits: still sending, nobody failed.
    expect((await app.api('GET', `/api/blasts/${id}`)).body.state).toBe('sending');
    // A probe is refused too: the hold goes on, with a longer wait.
    await eventually(async () => ((await device(app!))?.sending.probes_refused as number) >= 1, 60_000);
    const before = accepted(app);
    app.simulator!.configure({ refuseToken: false });
    // The next probe is accepted and the device runs again at its pace.
    await eventually(async () => (await device(app!))?.sending.state === 'running', 60_000);
    await eventually(async () => accepted(app!) >= before + 10);

    // 2. The phone goes offline mid-blast; a person resumes the device once it is back.
    app.simulator!.configure({ deviceOffline: true });
    const heldOffline = await eventually(async () => {
      const d = await device(app!);
      return d?.sending.state === 'held' ? d.sending : null;
    });
    expect(heldOffline).toMatchObject({ kind: 'device_unavailable', reason: 'Device is not connected' });
    const report = (await app.api('GET', `/api/blasts/${id}/report`)).body;
    expect(report).toMatchObject({ failed: 0, uncertain: 0 });
    app.simulator!.configure({ deviceOffline: false });
    const resumed = await app.api('POST', '/api/devices/5850/resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body.sending).toEqual({ state: 'running' });
    expect((await app.api('POST', '/api/devices/nope/resume')).status).toBe(404);

    await eventually(async () => (await app!.api('GET', `/api/blasts/${id}`)).body.state === 'completed', 120_000);
    await expectEachOnceAndNobodyFailed(app, id, list);
    expect(app.simulator!.stats().authFailures).toBeGreaterThanOrEqual(2);
    expect(app.simulator!.stats().deviceOffline).toBeGreaterThanOrEqual(1);
    const attempts = await rows<{ max: number }>(
      app.db.db,
      sql`SELECT max(attempts)::int AS max FROM blast_recipients WHERE blast_id = ${id}`,
    );
    expect(attempts[0]!.max).toBe(0); // a refusal spends no attempt
  });

  it('trips the breaker on a run of refusals across different numbers: the device is held, not the blast failed', async () => {
    app = await startTestApp({ SEND_RATE: '10', SEND_BURST: '1' });
    const list = [...phones(30), '+60123450000']; // the simulator says "not on WhatsApp" for numbers ending 0000
    const id = await createAndSend(app, list);
    await eventually(async () => accepted(app!) >= 8);
    // The gateway refuses every number: the device, not the numbers, is at fault.
    app.simulator!.configure({ invalidPrefixes: ['+'] });
    const held = await eventually(async () => {
      const d = await device(app!);
      return d?.sending.state === 'held' ? d.sending : null;
    });
    expect(held).toMatchObject({ kind: 'refusals', reason: expect.stringContaining('different numbers refused in a row') });
    expect(held?.reason).not.toMatch(/\d{6,}/); // no phone number in what the API shows
    const failedWhileHeld = await rows<{ n: number }>(
      app.db.db,
      sql`SELECT count(*)::int AS n FROM blast_recipients WHERE blast_id = ${id} AND status = 'FAILED'`,
    );
    expect(failedWhileHeld[0]!.n).toBe(0);
    app.simulator!.configure({ invalidPrefixes: [] });
    await eventually(async () => (await app!.api('GET', `/api/blasts/${id}`)).body.state === 'completed', 120_000);
    const tally = app.simulator!.tally();
    const good = list.slice(0, 30);
    expect(Object.keys(tally).sort()).toEqual([...good].sort());
    expect(Object.values(tally).every((n) => n === 1)).toBe(true);
    // Only the number the gateway really refuses is FAILED, in the gateway's words.
    const failed = await rows<{ phone_number: string; last_error: string }>(
      app.db.db,
      sql`SELECT phone_number, last_error FROM blast_recipients WHERE blast_id = ${id} AND status <> 'PENDING' AND status <> 'DELIVERY_ACK' AND status <> 'READ_ACK' AND status <> 'REPLIED'`,
    );
    expect(failed).toEqual([{ phone_number: '+60123450000', last_error: 'number not on WhatsApp' }]);
  });
});
