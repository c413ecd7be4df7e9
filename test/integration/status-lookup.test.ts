import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { Poller } from '../../src/track/poller.ts';
import { WsapmeClient } from '../../src/gateway/wsapmeClient.ts';
import { silentLogger } from '../../src/log.ts';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const statuses = async (a: TestApp, id: number) =>
  rows<{ status: string; n: number }>(
    a.db.db,
    sql`SELECT status, count(*)::int AS n FROM blast_recipients WHERE blast_id = ${id} GROUP BY status ORDER BY status`,
  );

describe('a gateway whose status lookup does not work', () => {
  it('stops asking after a run of refusals, says so in check-status and /healthz, fails nobody, and re-probes rarely', {
    timeout: 180_000,
  }, async () => {
    // Webhooks off: the lookup is the only way statuses could move, so nothing may change.
    app = await startTestApp({ POLL_MODE: 'off' }, { statusLookup: 'refused', deliverProbability: 0 });
    app.simulator!.configure({ webhookUrl: null });
    const list = Array.from({ length: 20 }, (_, i) => `+6014${String(4_000_001 + i)}`);
    const created = await app.api('POST', '/api/blasts', { message: 'x', recipients: list });
    const id = created.body.blast_id as number;
    await app.api('POST', `/api/blasts/${id}/send?wait=true`);
    expect(await statuses(app, id)).toEqual([{ status: 'PENDING', n: 20 }]);
    expect((await app.api('GET', '/healthz')).body.status_lookup).toMatchObject({ state: 'available' });

    const answer = (await app.api('POST', `/api/blasts/${id}/check-status`)).body;
    expect(answer).toMatchObject({ updated: 0, lookup: 'unavailable', reason: expect.stringContaining('messageInfo') });
    // It gave up at the fifth refusal: only lookups already in flight (8 in parallel) were answered after it.
    expect(answer.checked).toBeGreaterThanOrEqual(5);
    expect(answer.checked).toBeLessThanOrEqual(12);
    const asked = app.simulator!.stats().statusRefused;
    expect(await statuses(app, id)).toEqual([{ status: 'PENDING', n: 20 }]);
    const health = await app.api('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      ok: true,
      status_lookup: { state: 'unavailable', reason: expect.stringContaining('status lookups in a row') },
    });

    // Another check-status tries one lookup only (a probe), and answers the same.
    expect((await app.api('POST', `/api/blasts/${id}/check-status`)).body).toMatchObject({ checked: 1, lookup: 'unavailable' });
    expect(app.simulator!.stats().statusRefused).toBe(asked + 1);

    // Background polling has stopped: due recipients are not asked about.
    await app.db.db.execute(sql`UPDATE blast_recipients SET next_poll_at = now() - interval '1 second' WHERE blast_id = ${id}`);
    const gateway = new WsapmeClient({ baseUrl: app.simulator!.url, apiKeyHeader: 'x-wsapme-token', timeoutMs: 2000 });
    try {
      const poller = new Poller(app.db.db, gateway, app.config, silentLogger, () => {});
      expect(await poller.scheduledPass()).toBe(0);
      expect(await poller.scheduledPass()).toBe(0);
      expect(app.simulator!.stats().statusRefused).toBe(asked + 1);

      // An hour later (the re-probe is due) the gateway answers lookups again: polling resumes.
      app.simulator!.configure({ statusLookup: 'available', deliverProbability: 1 });
      await app.db.db.execute(sql`UPDATE status_lookup SET next_probe_at = now() - interval '1 second'`);
      const callsBefore = app.simulator!.stats().statusCalls;
      await poller.scheduledPass();
      expect(app.simulator!.stats().statusCalls).toBe(callsBefore + 1); // one probe, not a full pass
      expect((await app.api('GET', '/healthz')).body.status_lookup).toMatchObject({ state: 'available', reason: null });
      expect((await app.api('POST', `/api/blasts/${id}/check-status`)).body).toMatchObject({ lookup: 'available' });
    } finally {
      await gateway.close();
    }
    const failed = await rows<{ n: number }>(
      app.db.db,
      sql`SELECT count(*)::int AS n FROM blast_recipients WHERE status IN ('FAILED', 'UNCERTAIN')`,
    );
    expect(failed[0]!.n).toBe(0);
  });
});
