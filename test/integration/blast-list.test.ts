import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlast, numbers } from '../helpers/blastRequests.ts';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';

/** GET /api/blasts (issue 2), on a database of its own so that the list holds only what it made. */

describe('blast API: listing (own database)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('GET /api/blasts is empty on a fresh database', async () => {
    expect((await app.api('GET', '/api/blasts')).body).toEqual({ blasts: [], total: 0, limit: 50, offset: 0 });
  });

  it('GET /api/blasts lists newest first, paginated, each blast with its report', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++)
      ids.push(await createBlast(app, { blast_tag: `b${i}`, message: 'Hi', recipients: numbers(i + 1, 9_000_000 + i * 100) }));
    await app.db.db.execute(sql`UPDATE blast_recipients SET status = 'READ_ACK' WHERE blast_id = ${ids[6]!}`);
    const newestFirst = [...ids].reverse();

    const first = await app.api('GET', '/api/blasts?limit=3');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 7, limit: 3, offset: 0 });
    expect(first.body.blasts.map((b: { id: number }) => b.id)).toEqual(newestFirst.slice(0, 3));
    expect(first.body.blasts[0]).toMatchObject({
      tag: 'b6',
      total_recipients: 7,
      report: { total: 7, sent: 7, received: 7, read: 7, queued: 0 },
    });
    expect(first.body.blasts[1]).toMatchObject({ tag: 'b5', report: { total: 6, queued: 6, sent: 0 } });

    const second = await app.api('GET', '/api/blasts?limit=3&offset=3');
    expect(second.body.blasts.map((b: { id: number }) => b.id)).toEqual(newestFirst.slice(3, 6));
    const third = await app.api('GET', '/api/blasts?limit=3&offset=6');
    expect(third.body.blasts.map((b: { id: number }) => b.id)).toEqual(newestFirst.slice(6));
    const past = await app.api('GET', '/api/blasts?limit=3&offset=60');
    expect(past.body).toMatchObject({ blasts: [], total: 7 });

    const all = await app.api('GET', '/api/blasts');
    expect(all.body.blasts).toHaveLength(7);
    for (const b of all.body.blasts) expect(b.report.total).toBe(b.total_recipients);
  });
});
