import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, createBlast, numbers, startApiOnly } from '../helpers/blastRequests.ts';
import { expectError } from '../helpers/expectError.ts';
import type { TestApp } from '../helpers/testApp.ts';

/**
 * Reading a blast over real HTTP (issue 2): the blast with its report, its recipients filtered and
 * paginated, the report's counts and rates. Statuses are set by hand, as the engine would.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startApiOnly();
});
afterAll(async () => {
  await app?.close();
});

describe('reading', () => {
  it('GET /api/blasts/:id answers the blast with its report', async () => {
    const id = await createBlast(app, { ...SEED, scheduled_at: '2099-01-02T03:04:05Z' });
    const res = await app.api('GET', `/api/blasts/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      tag: 'Product Launch',
      message: 'Campaign message',
      follow_up_stage: 'Initial',
      state: 'draft',
      device: '5850',
      scheduled_at: '2099-01-02T03:04:05.000Z',
      started_at: null,
      completed_at: null,
      total_recipients: 2,
      report: { total: 2, queued: 2, sent: 0 },
    });
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
  });

  it('GET /api/blasts/:id/recipients filters by status and phone digits, and paginates', async () => {
    const phones = numbers(12, 5_000_000);
    const id = await createBlast(app, { message: 'Hi', recipients: phones.map((phone, i) => ({ phone, n: String(i) })) });
    // Give a few recipients other statuses, as the engine would.
    await app.db.db.execute(
      sql`UPDATE blast_recipients SET status = 'READ_ACK' WHERE blast_id = ${id} AND phone_number IN (${phones[1]}, ${phones[4]})`,
    );
    await app.db.db.execute(sql`UPDATE blast_recipients SET status = 'FAILED' WHERE blast_id = ${id} AND phone_number = ${phones[7]}`);

    const all = await app.api('GET', `/api/blasts/${id}/recipients`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 12, limit: 50, offset: 0 });
    expect(all.body.recipients.map((r: { phone_number: string }) => r.phone_number)).toEqual(phones);
    expect(all.body.recipients[3]).toMatchObject({
      blast_id: id,
      phone_number: phones[3],
      status: 'QUEUED',
      variables: { n: '3' },
      message_id: null,
      attempts: 0,
    });

    const page = await app.api('GET', `/api/blasts/${id}/recipients?limit=5&offset=5`);
    expect(page.body).toMatchObject({ total: 12, limit: 5, offset: 5 });
    expect(page.body.recipients.map((r: { phone_number: string }) => r.phone_number)).toEqual(phones.slice(5, 10));
    const tail = await app.api('GET', `/api/blasts/${id}/recipients?limit=5&offset=10`);
    expect(tail.body.recipients).toHaveLength(2);
    const beyond = await app.api('GET', `/api/blasts/${id}/recipients?limit=5&offset=100`);
    expect(beyond.body).toMatchObject({ recipients: [], total: 12 });

    const read = await app.api('GET', `/api/blasts/${id}/recipients?status=READ_ACK`);
    expect(read.body.total).toBe(2);
    expect(read.body.recipients.map((r: { phone_number: string }) => r.phone_number)).toEqual([phones[1], phones[4]]);
    const several = await app.api('GET', `/api/blasts/${id}/recipients?status=read_ack,failed`);
    expect(several.body.total).toBe(3);
    const queued = await app.api('GET', `/api/blasts/${id}/recipients?status=QUEUED&limit=2`);
    expect(queued.body).toMatchObject({ total: 9, limit: 2 });
    expect(queued.body.recipients).toHaveLength(2);

    // Digits anywhere in the number, however the user typed them.
    const byPhone = await app.api('GET', `/api/blasts/${id}/recipients?phone=${encodeURIComponent('500-0007')}`);
    expect(byPhone.body.recipients.map((r: { phone_number: string }) => r.phone_number)).toEqual([phones[7]]);
    const byPrefix = await app.api('GET', `/api/blasts/${id}/recipients?phone=6012500000`);
    expect(byPrefix.body.total).toBe(10);
    const wildcard = await app.api('GET', `/api/blasts/${id}/recipients?phone=${encodeURIComponent('%_')}`);
    expect(wildcard.body.total).toBe(12);
    const combined = await app.api('GET', `/api/blasts/${id}/recipients?status=READ_ACK&phone=5000004`);
    expect(combined.body.recipients.map((r: { phone_number: string }) => r.phone_number)).toEqual([phones[4]]);

    expectError(await app.api('GET', `/api/blasts/${id}/recipients?status=NOPE`), 400, 'validation_failed');
    expectError(await app.api('GET', `/api/blasts/${id}/recipients?limit=501`), 400, 'validation_failed');
    expectError(await app.api('GET', `/api/blasts/${id}/recipients?format=xml`), 400, 'validation_failed');
  });

  it('/healthz answers that the database is up', async () => {
    const res = await app.api('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, database: 'up' });
  });
});

describe('GET /api/blasts/:id/report', () => {
  it('an empty-progress blast: everything queued, nothing sent, rates 0', async () => {
    const id = await createBlast(app, { ...SEED, recipients: numbers(4, 7_000_000) });
    const res = await app.api('GET', `/api/blasts/${id}/report`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      total: 4,
      queued: 4,
      sending: 0,
      sent: 0,
      received: 0,
      read: 0,
      replied: 0,
      closed: 0,
      failed: 0,
      uncertain: 0,
      skipped: 0,
      rates: { received: 0, read: 0, replied: 0, closed: 0 },
      avg_seconds_to_deliver: null,
      avg_seconds_to_read: null,
    });
  });

  it('a mixed blast: exact cumulative counts and rates', async () => {
    // 20 recipients: 2 QUEUED, 1 SENDING, 3 PENDING, 4 DELIVERY_ACK, 3 READ_ACK, 2 REPLIED,
    // 1 CLOSED, 2 FAILED, 1 UNCERTAIN, 1 SKIPPED.
    const plan = [
      ['QUEUED', 2],
      ['SENDING', 1],
      ['PENDING', 3],
      ['DELIVERY_ACK', 4],
      ['READ_ACK', 3],
      ['REPLIED', 2],
      ['CLOSED', 1],
      ['FAILED', 2],
      ['UNCERTAIN', 1],
      ['SKIPPED', 1],
    ] as const;
    const phones = numbers(20, 8_000_000);
    const id = await createBlast(app, { message: 'Hi', recipients: phones });
    let i = 0;
    for (const [status, n] of plan) {
      for (let k = 0; k < n; k++, i++) {
        await app.db.db.execute(sql`UPDATE blast_recipients SET status = ${status} WHERE blast_id = ${id} AND phone_number = ${phones[i]}`);
      }
    }
    // Two delivered 10 s and 20 s after sending, one of them read 60 s after sending.
    await app.db.db.execute(
      sql`UPDATE blast_recipients SET sent_at = '2026-01-01T00:00:00Z', delivered_at = '2026-01-01T00:00:10Z'
          WHERE blast_id = ${id} AND phone_number = ${phones[6]}`,
    );
    await app.db.db.execute(
      sql`UPDATE blast_recipients SET sent_at = '2026-01-01T00:00:00Z', delivered_at = '2026-01-01T00:00:20Z', read_at = '2026-01-01T00:01:00Z'
          WHERE blast_id = ${id} AND phone_number = ${phones[10]}`,
    );

    const res = await app.api('GET', `/api/blasts/${id}/report`);
    expect(res.status).toBe(200);
    // sent = PENDING+ = 3+4+3+2+1 = 13; received = 10; read = 6; replied = 3; closed = 1.
    expect(res.body).toEqual({
      total: 20,
      queued: 2,
      sending: 1,
      sent: 13,
      received: 10,
      read: 6,
      replied: 3,
      closed: 1,
      failed: 2,
      uncertain: 1,
      skipped: 1,
      rates: { received: 0.7692, read: 0.4615, replied: 0.2308, closed: 0.0769 },
      avg_seconds_to_deliver: 15,
      avg_seconds_to_read: 60,
    });

    // The list and the single blast carry the same report.
    expect((await app.api('GET', `/api/blasts/${id}`)).body.report).toEqual(res.body);
  });
});
