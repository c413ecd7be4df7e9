import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { UNSTORED_PER_SLOT } from '../../src/send/deviceSender.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+6012${String(2_000_001 + start + i)}`);

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function createAndSend(a: TestApp, recipients: unknown[], message = 'Hello {{name|there}}', extra: Record<string, unknown> = {}) {
  const created = await a.api('POST', '/api/blasts', { blast_tag: 't', message, recipients, ...extra });
  expect(created.status).toBe(201);
  const id = created.body.blast_id as number;
  const sent = await a.api('POST', `/api/blasts/${id}/send`);
  expect(sent.status).toBe(200);
  return id;
}

async function waitDone(a: TestApp, id: number, ms = 60_000) {
  await eventually(async () => (await a.api('GET', `/api/blasts/${id}`)).body.state === 'completed', ms);
  return (await a.api('GET', `/api/blasts/${id}/report`)).body;
}

describe('sending engine against the simulator over HTTP', () => {
  it('sends a 500-recipient blast exactly once per number', async () => {
    app = await startTestApp({ SEND_RATE: '500', SEND_BURST: '50' });
    const list = phones(500);
    const id = await createAndSend(app, list);
    const report = await waitDone(app, id);
    expect(report).toMatchObject({ total: 500, sent: 500, failed: 0, uncertain: 0, queued: 0, sending: 0 });
    const tally = app.simulator!.tally();
    expect(Object.keys(tally)).toHaveLength(500);
    expect(list.every((p) => tally[p] === 1)).toBe(true);
    const ids = await rows<{ n: number; d: number }>(
      app.db.db,
      sql`SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS d FROM blast_recipients WHERE blast_id = ${id} AND message_id IS NOT NULL`,
    );
    expect(ids[0]).toEqual({ n: 500, d: 500 });
    const metrics = await app.api('GET', '/metrics');
    expect(metrics.body).toContain('wablast_send_outcomes_total{device="5850",outcome="accepted"} 500');
  });

  it('adapts to a gateway slower than asked: completes with zero FAILED, never faster than the gateway allows', async () => {
    // A first burst of 20 against a limit of 10 a second hits the limit on any machine, however slow.
    const R = 10;
    const N = 60;
    app = await startTestApp({ SEND_RATE: '200', SEND_BURST: '20' }, { ratePerSecond: R });
    const started = Date.now();
    const id = await createAndSend(app, phones(N));
    const report = await waitDone(app, id);
    const seconds = (Date.now() - started) / 1000;
    expect(report).toMatchObject({ sent: N, failed: 0, uncertain: 0 });
    expect(Object.values(app.simulator!.tally()).every((n) => n === 1)).toBe(true);
    expect(app.simulator!.stats().rejected429).toBeGreaterThan(0); // the limit was really hit
    // Only a lower bound, which is physics: a slow machine takes longer, never less.
    expect(seconds).toBeGreaterThanOrEqual(N / R - 1);
  });

  it('retries 5xx bursts and still sends each number once', async () => {
    // 20% 5xx: four in a row for one number (1 in 625) still means at most 1+2+4+8 s of backoff.
    app = await startTestApp({ SEND_MAX_ATTEMPTS: '10' }, { error5xxProbability: 0.2 });
    const list = phones(40);
    const id = await createAndSend(app, list);
    const report = await waitDone(app, id, 100_000);
    expect(report).toMatchObject({ sent: 40, failed: 0, uncertain: 0 });
    expect(app.simulator!.stats().errors5xx).toBeGreaterThan(0);
    expect(list.every((p) => app!.simulator!.tally()[p] === 1)).toBe(true);
    const retried = await rows<{ n: number }>(app.db.db, sql`SELECT count(*)::int AS n FROM blast_recipients WHERE attempts > 0`);
    expect(retried[0]!.n).toBeGreaterThan(0);
  }, 120_000);

  it('fails only the recipient the gateway refuses permanently', async () => {
    app = await startTestApp();
    const good = phones(10);
    const bad = '+60123450000'; // the simulator says "not on WhatsApp" for numbers ending 0000
    const id = await createAndSend(app, [...good, bad]);
    const report = await waitDone(app, id);
    expect(report).toMatchObject({ sent: 10, failed: 1 });
    const [row] = await rows<{ status: string; last_error: string; attempts: number }>(
      app.db.db,
      sql`SELECT status, last_error, attempts FROM blast_recipients WHERE phone_number = ${bad}`,
    );
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(row!.last_error).toMatch(/whatsapp/i);
  });

  it('declares a timed-out send UNCERTAIN and never contacts that number again by itself', async () => {
    // No replies: a reply proves delivery and would settle an UNCERTAIN number before the resend.
    app = await startTestApp(
      { WSAPME_TIMEOUT_MS: '2000' /* far from the 5 s hang, far above a loaded machine's answer */ },
      { timeoutProbability: 0.25, hangMs: 5_000, replyProbability: 0 },
    );
    const list = phones(40);
    const id = await createAndSend(app, list);
    const report = await waitDone(app, id);
    expect(report.uncertain).toBeGreaterThan(0);
    expect(report.sent + report.uncertain).toBe(40);
    const uncertain = await rows<{ phone_number: string }>(
      app.db.db,
      sql`SELECT phone_number FROM blast_recipients WHERE blast_id = ${id} AND status = 'UNCERTAIN'`,
    );
    await new Promise((r) => setTimeout(r, 1500)); // give a buggy engine the chance to resend
    const tally = app.simulator!.tally();
    for (const u of uncertain) expect(tally[u.phone_number]).toBe(1); // it did go out, once
    expect(Object.values(tally).every((n) => n === 1)).toBe(true);

    // Only a person asking resends them.
    app.simulator!.configure({ timeoutProbability: 0 });
    const resend = await app.api('POST', `/api/blasts/${id}/resend`, { statuses: ['UNCERTAIN'] });
    expect(resend.body).toMatchObject({ success: true, requeued: uncertain.length });
    const after = await waitDone(app, id);
    expect(after).toMatchObject({ sent: 40, uncertain: 0 });
    for (const u of uncertain) expect(app.simulator!.tally()[u.phone_number]).toBe(2);
  });

  it('pauses before the next message and resumes where it stopped', async () => {
    app = await startTestApp({ SEND_RATE: '5', SEND_BURST: '1' });
    const id = await createAndSend(app, phones(30));
    await eventually(async () => app!.simulator!.stats().accepted >= 3);
    const paused = await app.api('POST', `/api/blasts/${id}/pause`);
    expect(paused.body).toEqual({ success: true, state: 'paused' });
    const atPause = app.simulator!.stats().accepted;
    await new Promise((r) => setTimeout(r, 1500));
    // At most the one request already in flight when pause landed.
    expect(app.simulator!.stats().accepted - atPause).toBeLessThanOrEqual(1);
    const frozen = app.simulator!.stats().accepted;
    expect(frozen).toBeLessThan(30);
    expect((await app.api('POST', `/api/blasts/${id}/resume`)).body.state).toBe('sending');
    const report = await waitDone(app, id);
    expect(report).toMatchObject({ sent: 30, failed: 0 });
    expect(Object.values(app.simulator!.tally()).every((n) => n === 1)).toBe(true);
  });

  it('cancel skips what was not sent; a cancelled blast cannot be resumed', async () => {
    app = await startTestApp({ SEND_RATE: '5', SEND_BURST: '1' });
    const N = 100; // 20 s of sending: the cancel lands mid-blast on any machine
    const id = await createAndSend(app, phones(N));
    await eventually(async () => app!.simulator!.stats().accepted >= 2);
    expect((await app.api('POST', `/api/blasts/${id}/cancel`)).body.state).toBe('cancelled');
    const atCancel = app.simulator!.stats().accepted;
    // What was on the wire at the cancel is stored as sent; the rest was skipped by the cancel.
    const report = await eventually(async () => {
      const r = (await app!.api('GET', `/api/blasts/${id}/report`)).body;
      return r.sending === 0 ? r : null;
    });
    // At most the one request already in flight when the cancel landed.
    expect(app.simulator!.stats().accepted - atCancel).toBeLessThanOrEqual(1);
    expect(report.sent).toBe(app.simulator!.stats().accepted);
    expect(report.skipped).toBe(N - report.sent);
    const again = await app.api('POST', `/api/blasts/${id}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state');
  });

  it('starts a scheduled blast on time, not before', async () => {
    app = await startTestApp();
    const at = new Date(Date.now() + 2500);
    const id = await createAndSend(app, phones(5), 'Hi', { scheduled_at: at.toISOString() });
    // The database's clock decides when it starts: read with it, a blast whose time is ahead waits.
    const [now] = await rows<{ state: string; ahead: boolean }>(
      app.db.db,
      sql`SELECT state, scheduled_at > now() AS ahead FROM blasts WHERE id = ${id}`,
    );
    if (now!.ahead) expect(now!.state).toBe('scheduled');
    await waitDone(app, id);
    const blast = (await app.api('GET', `/api/blasts/${id}`)).body;
    expect(new Date(blast.started_at).getTime()).toBeGreaterThanOrEqual(at.getTime() - 50);
    expect(Math.min(...app.simulator!.messages().map((m) => m.acceptedAt))).toBeGreaterThanOrEqual(at.getTime() - 50);
  });

  it('renders templates per recipient with fallbacks', async () => {
    app = await startTestApp();
    const [a, b] = phones(2);
    const id = await createAndSend(
      app,
      [{ phone: a!, name: 'Aisyah', city: 'Ipoh' }, { phone: b! }],
      'Hi {{name|there}} from {{ City | KL }}!',
    );
    await waitDone(app, id);
    const texts = Object.fromEntries(app.simulator!.messages().map((m) => [m.to, m.text]));
    expect(texts[a!]).toBe('Hi Aisyah from Ipoh!');
    expect(texts[b!]).toBe('Hi there from KL!');
  });

  it('answers send?wait=true with the final counts like the seed', async () => {
    app = await startTestApp();
    const created = await app.api('POST', '/api/blasts', { message: 'x', recipients: [...phones(20), '+60123450000'] });
    const res = await app.api('POST', `/api/blasts/${created.body.blast_id}/send?wait=true`);
    expect(res.body).toMatchObject({ success: true, sent: 20, failed: 1, queued: 0, state: 'completed' });
  });

  it('settles SENDING rows of a dead sender as UNCERTAIN, never QUEUED', async () => {
    app = await startTestApp();
    const created = await app.api('POST', '/api/blasts', { message: 'x', recipients: phones(3) });
    const id = created.body.blast_id;
    await app.db.db.execute(
      sql`UPDATE blast_recipients SET status = 'SENDING', claimed_by = 'dead-host:1:abc', claimed_at = now() WHERE blast_id = ${id}`,
    );
    await eventually(async () => {
      const [r] = await rows<{ n: number }>(
        app!.db.db,
        sql`SELECT count(*)::int AS n FROM blast_recipients WHERE blast_id = ${id} AND status = 'UNCERTAIN'`,
      );
      return r!.n === 3;
    }, 15_000);
    expect(app.simulator!.stats().accepted).toBe(0);
  });
  it('a stalled database cannot let answers pile up: SEND_CONCURRENCY open, UNSTORED_PER_SLOT times as many waiting to be stored', async () => {
    app = await startTestApp({ SEND_RATE: '500', SEND_BURST: '50', SEND_CONCURRENCY: '1' });
    const a = app;
    const list = phones(40, 700);
    const most = 1 + UNSTORED_PER_SLOT;
    const created = await a.api('POST', '/api/blasts', { message: 'Hi', recipients: list });
    const id = created.body.blast_id as number;
    // Another session holds phone_senders (which only storing an accepted send writes): every
    // store waits behind it, its rows still SENDING.
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let holding!: Promise<unknown>;
    await new Promise<void>((locked) => {
      holding = a.db.db.transaction(async (tx) => {
        await tx.execute(sql`LOCK TABLE phone_senders IN EXCLUSIVE MODE`);
        locked();
        await released;
      });
    });
    try {
      expect((await a.api('POST', `/api/blasts/${id}/send`)).status).toBe(200);
      await eventually(async () => {
        const [w] = await rows<{ n: number }>(
          a.db.db,
          sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO phone_senders%'`,
        );
        return w!.n > 0;
      });
      // The bound holds however long the store waits: a sender without it would go on sending,
      // so give it three seconds to show that (a slow machine only makes this wait shorter).
      const until = Date.now() + 3000;
      while (Date.now() < until && a.simulator!.stats().accepted <= most) await new Promise((r) => setTimeout(r, 50));
      const [sending] = await rows<{ n: number }>(
        a.db.db,
        sql`SELECT count(*)::int AS n FROM blast_recipients WHERE blast_id = ${id} AND status = 'SENDING'`,
      );
      expect(sending!.n).toBeGreaterThan(0);
      expect(sending!.n).toBeLessThanOrEqual(most);
      expect(a.simulator!.stats().accepted).toBeLessThanOrEqual(most);
    } finally {
      release();
      await holding;
    }
    const report = await waitDone(a, id);
    expect(report).toMatchObject({ sent: 40, uncertain: 0, sending: 0 });
    expect(list.every((p) => a.simulator!.tally()[p] === 1)).toBe(true);
  });
});
