import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { OffsetClock } from '../helpers/offsetClock.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

/** Monday 2026-11-30 07:00 in Kuala Lumpur (UTC+8); the window opens at 09:00 = 01:00 UTC. */
const MONDAY_7AM = Date.UTC(2026, 10, 29, 23, 0);
const OPENS = '2026-11-30T01:00:00.000Z';
const phones = (n: number) => Array.from({ length: n }, (_, i) => `+6012${String(4_000_001 + i)}`);

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('send window (issue 13)', () => {
  it('a blast sent outside the window sends nothing, says when it starts, and completes by itself when it opens — each number once', async () => {
    const clock = new OffsetClock(MONDAY_7AM);
    app = await startTestApp({ SEND_WINDOW: 'mon-sat 09:00-20:00', SEND_TIMEZONE: 'Asia/Kuala_Lumpur' }, {}, { clock });
    const list = phones(30);

    const dry = await app.api('POST', '/api/blasts', { message: 'Hi', recipients: list, dry_run: true });
    expect(dry.body.plan).toMatchObject({
      preset: 'fast',
      waiting_for_window: true,
      window_opens_at: OPENS,
      summary: expect.stringContaining('Mon–Sat 09:00–20:00 Asia/Kuala_Lumpur'),
    });
    // The clock runs on from 07:00 while the test starts up: the wait is a little under two hours.
    expect(Date.parse(dry.body.plan.finishes_at)).toBeGreaterThanOrEqual(Date.parse(OPENS));
    expect(dry.body.plan.eta_seconds).toBeGreaterThan(3600);
    expect(dry.body.plan.eta_text).toMatch(/^≈ [12] h \d+ m, finishes today 09:00 because of the send window$/);

    const id = (await app.api('POST', '/api/blasts', { message: 'Hi', recipients: list })).body.blast_id as number;
    expect((await app.api('POST', `/api/blasts/${id}/send`)).status).toBe(200);
    const waiting = (await app.api('GET', `/api/blasts/${id}`)).body;
    expect(waiting.state).toBe('sending');
    expect(waiting.plan).toMatchObject({
      waiting_for_window: true,
      window_opens_at: OPENS,
      note: 'waiting for the send window (opens 09:00)',
    });

    // The engine took the device, found the window shut and gave the device back, sending nothing.
    await eventually(async () => {
      const [d] = await rows<{ owner: string | null }>(app!.db.db, sql`SELECT lease_owner AS owner FROM devices WHERE id = '5850'`);
      return d !== undefined && d.owner === null;
    });
    expect(Object.keys(app.simulator!.tally())).toHaveLength(0);
    expect((await app.api('GET', `/api/blasts/${id}/report`)).body).toMatchObject({ queued: 30, sent: 0 });

    clock.advance(2 * 3_600_000); // 09:00
    await eventually(async () => (await app!.api('GET', `/api/blasts/${id}`)).body.state === 'completed');
    const done = (await app.api('GET', `/api/blasts/${id}`)).body;
    expect(done.report).toMatchObject({ sent: 30, failed: 0, uncertain: 0 });
    expect(done.plan).toMatchObject({ waiting_for_window: false, eta_seconds: 0, note: null });
    const tally = app.simulator!.tally();
    expect(list.every((p) => tally[p] === 1)).toBe(true);
    // Every send left at or after 09:00 by the engine's clock.
    const [first] = await rows<{ t: number; n: number }>(
      app.db.db,
      sql`SELECT (extract(epoch FROM min(sent_at)) * 1000)::float8 AS t, count(*)::int AS n FROM device_sends WHERE device = '5850'`,
    );
    expect(first!.n).toBe(30);
    expect(first!.t).toBeGreaterThanOrEqual(Date.parse(OPENS));
  });

  it('devices and blasts choose their pace; bad settings are refused with the field named', async () => {
    const clock = new OffsetClock(MONDAY_7AM + 3 * 3_600_000); // Monday 10:00, inside the default careful window
    app = await startTestApp({}, {}, { clock });
    const put = await app.api('PATCH', '/api/devices/5850', { preset: 'safe', in_use_since: '2026-01-15' });
    expect(put.status).toBe(200);
    expect(put.body.effective).toMatchObject({
      preset: 'safe',
      hourly_cap: 80,
      daily_cap: 400,
      send_window: 'Mon–Sat 09:00–20:00',
      send_timezone: 'Asia/Kuala_Lumpur',
      window_open: true,
      summary: 'safe: one message every 10–30 s, at most 80 an hour and 400 a day, Mon–Sat 09:00–20:00 Asia/Kuala_Lumpur',
    });
    expect(put.body).toMatchObject({ in_use_since: '2026-01-15', sent_today: 0, sent_last_hour: 0 });

    const list = (await app.api('GET', '/api/devices')).body.devices;
    expect(list.find((d: { id: string }) => d.id === '5850').effective.preset).toBe('safe');

    // 500 at safe from Monday 10:00: 400 today (80 an hour), the rest on Tuesday morning.
    const dry = await app.api('POST', '/api/blasts', { message: 'Hi', recipients: phones(500), dry_run: true });
    expect(dry.body.plan).toMatchObject({ preset: 'safe', waiting_for_window: false, window_opens_at: null });
    expect(dry.body.plan.eta_text).toMatch(/finishes tomorrow (09|10):\d\d because of the (daily cap|send window)$/);
    const fast = await app.api('POST', '/api/blasts', { message: 'Hi', recipients: phones(500), dry_run: true, pacing_preset: 'fast' });
    expect(fast.body.plan).toMatchObject({ preset: 'fast' });
    expect(fast.body.plan.eta_seconds).toBeLessThan(dry.body.plan.eta_seconds / 10);

    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ preset: 'turbo' }, 'preset', 'must be one of'],
      [{ send_window: 'mon-sat 20:00-09:00' }, 'send_window', 'after the start'],
      [{ send_window: 'weekdays' }, 'send_window', 'cannot read'],
      [{ send_timezone: 'Mars/Olympus' }, 'send_timezone', 'time zone'],
      [{ hourly_cap: 0 }, 'hourly_cap', ''],
      [{ in_use_since: 'last year' }, 'in_use_since', 'date'],
      [{ min_gap_ms: 5000, max_gap_ms: 1000 }, 'max_gap_ms', 'min_gap_ms'],
    ];
    for (const [body, field, words] of cases) {
      const r = await app.api('PATCH', '/api/devices/5850', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.details[0].field).toBe(field);
      expect(r.body.error.message).toContain(words);
    }
    const bad = await app.api('POST', '/api/blasts', { message: 'Hi', recipients: phones(1), pacing_preset: 'turbo' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('pacing_preset');

    // null puts a knob back to the environment's default (fast with the simulator).
    expect((await app.api('PATCH', '/api/devices/5850', { preset: null })).body.effective.preset).toBe('fast');
  });
});
