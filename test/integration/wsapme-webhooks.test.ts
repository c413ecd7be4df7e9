import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { digitsOf } from '../../sim/wsapmeWebhooks.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('a blast against the simulator in the real WSAPME dialect', () => {
  it('acks in every shape, replies and STOPs from JIDs, group chatter: the funnel equals the simulator, STOP opts out the E.164 number, every webhook answered and stored', async () => {
    app = await startTestApp(
      { POLL_MODE: 'off' },
      {
        dialect: 'wsapme',
        replyProbability: 0.5,
        replyWithoutReadProbability: 0.2,
        stopProbability: 0.3,
        noiseProbability: 0.4,
        duplicateWebhookProbability: 0.1,
      },
    );
    const sim = app.simulator!;
    const recipients = Array.from({ length: 80 }, (_, i) => `+6013477${String(1000 + i)}`);
    const created = await app.api('POST', '/api/blasts', { message: 'Hi', recipients });
    const id = created.body.blast_id as number;
    await app.api('POST', `/api/blasts/${id}/send`);
    await eventually(async () => (await app!.api('GET', `/api/blasts/${id}`)).body.state === 'completed', 60_000);

    const simFunnel = () => {
      const ms = sim.messages();
      return {
        sent: ms.length,
        received: ms.filter((m) => m.delivered || m.replied).length,
        read: ms.filter((m) => m.read || m.replied).length,
        replied: ms.filter((m) => m.replied).length,
      };
    };
    const requests = async () => (await rows<{ n: number }>(app!.db.db, sql`SELECT count(*)::int AS n FROM webhook_requests`))[0]!.n;
    // Settled: the funnel equals the simulator's own tally and every webhook it got a 2xx for is stored.
    let last: unknown;
    await eventually(async () => {
      const r = (await app!.api('GET', `/api/blasts/${id}/report`)).body;
      const s = simFunnel();
      const same = r.sent === s.sent && r.received === s.received && r.read === s.read && r.replied === s.replied;
      last = { report: r, sim: s, stored: await requests(), stats: sim.stats() };
      return same && (await requests()) === sim.stats().webhooksSent;
    }, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
    const expected = simFunnel();
    expect(expected.replied).toBeGreaterThan(0);
    expect((await app.api('GET', `/api/blasts/${id}/report`)).body).toMatchObject(expected);

    const stats = sim.stats();
    expect(stats.webhooksFailed).toBe(0);
    expect(await requests()).toBe(stats.webhooksSent);

    // STOP from a JID opts out the E.164 number — and only replies do: the group, Status and echo STOPs change nothing.
    const stoppers = sim
      .messages()
      .filter((m) => m.replyText === 'STOP')
      .map((m) => `+${digitsOf(m.to)}`);
    expect(stoppers.length).toBeGreaterThan(0);
    const optOuts = (await app.api('GET', '/api/opt-outs?limit=500')).body.opt_outs.map((o: { phone_number: string }) => o.phone_number);
    expect(optOuts.sort()).toEqual(stoppers.sort());
    const replied = await rows<{ phone_number: string }>(
      app.db.db,
      sql`SELECT phone_number FROM blast_recipients WHERE blast_id = ${id} AND status = 'REPLIED'`,
    );
    expect(replied.map((r) => r.phone_number).sort()).toEqual(
      sim
        .messages()
        .filter((m) => m.replied)
        .map((m) => `+${digitsOf(m.to)}`)
        .sort(),
    );

    const results = await rows<{ result: string; n: number }>(
      app.db.db,
      sql`SELECT result, count(*)::int AS n FROM webhook_events GROUP BY result`,
    );
    const byResult = Object.fromEntries(results.map((r) => [r.result, r.n]));
    expect(byResult.not_understood ?? 0).toBe(0);
    expect(byResult.ignored).toBeGreaterThan(0); // the noise arrived, and was set aside
    expect(byResult.waiting ?? 0).toBe(0);
    // The shapes really varied: form bodies, Baileys keys, update.status, arrays, the secret in the path.
    const [shapes] = await rows<{ form: number; keyed: number; update: number; arrays: number; path: number }>(
      app.db.db,
      sql`SELECT count(*) FILTER (WHERE content_type LIKE 'application/x-www-form-urlencoded%')::int AS form,
                 count(*) FILTER (WHERE body LIKE '%"key"%')::int AS keyed,
                 count(*) FILTER (WHERE body LIKE '%"update"%')::int AS update,
                 count(*) FILTER (WHERE body LIKE '[%')::int AS arrays,
                 count(*) FILTER (WHERE secret_in = 'path')::int AS path
          FROM webhook_requests`,
    );
    expect(shapes!.form).toBeGreaterThan(0);
    expect(shapes!.keyed).toBeGreaterThan(0);
    expect(shapes!.update).toBeGreaterThan(0);
    expect(shapes!.arrays).toBeGreaterThan(0);
    expect(shapes!.path).toBe(stats.webhooksSent);
  }, 180_000);
});
