import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { SEED, createBlast, recipientsOf, startApiOnly, tableCounts, unchanged } from '../helpers/blastRequests.ts';
import { expectError } from '../helpers/expectError.ts';
import type { TestApp } from '../helpers/testApp.ts';

/**
 * Creating a blast from JSON over real HTTP (issue 2): what is stored, how numbers are read, the
 * dry run, opted-out numbers. Nothing here sends: blasts stay drafts.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startApiOnly();
});
afterAll(async () => {
  await app?.close();
});

describe('POST /api/blasts', () => {
  it('creates a blast from the seed body: 201, recipients stored as E.164 and QUEUED', async () => {
    const before = await tableCounts(app);
    const res = await app.api('POST', '/api/blasts', SEED);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      blast_id: expect.any(Number),
      total_recipients: 2,
      invalid: [],
      duplicates: 0,
      opted_out: 0,
      warnings: [],
    });
    expect(await tableCounts(app)).toEqual({ blasts: before.blasts + 1, recipients: before.recipients + 2 });
    expect(await recipientsOf(app, res.body.blast_id)).toEqual([
      { phone_number: '+60123456789', status: 'QUEUED', variables: {} },
      { phone_number: '+60123456790', status: 'QUEUED', variables: {} },
    ]);
    const [blast] = await rows<Record<string, unknown>>(
      app.db.db,
      sql`SELECT tag, message, follow_up_stage, state, total_recipients, device FROM blasts WHERE id = ${res.body.blast_id}`,
    );
    expect(blast).toEqual({
      tag: 'Product Launch',
      message: 'Campaign message',
      follow_up_stage: 'Initial',
      state: 'draft',
      total_recipients: 2,
      device: '5850',
    });
  });

  it('normalises every spelling to E.164, folds duplicates and reports invalid numbers with their line', async () => {
    const res = await app.api('POST', '/api/blasts', {
      message: 'Hi {{name|there}}',
      recipients: [
        { phone: '012-345 6789', name: 'Aisyah' },
        '+60123456789',
        '60123456789',
        'not a number',
        '0060 12 345 6790',
        { phone: '(012) 345-6791', name: 'Ali', vip: true, visits: 3 },
        '012345',
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      total_recipients: 3,
      duplicates: 2,
      opted_out: 0,
      invalid: [
        { input: 'not a number', line: 4, reason: 'not a phone number' },
        { input: '012345', line: 7, reason: 'invalid number' },
      ],
    });
    expect(await recipientsOf(app, res.body.blast_id)).toEqual([
      { phone_number: '+60123456789', status: 'QUEUED', variables: { name: 'Aisyah' } },
      { phone_number: '+60123456790', status: 'QUEUED', variables: {} },
      { phone_number: '+60123456791', status: 'QUEUED', variables: { name: 'Ali', vip: 'true', visits: '3' } },
    ]);
  });

  it('a number outside the default country is sent as given, with a note in the result (dry run and create)', async () => {
    const body = { ...SEED, recipients: ['0123456789', '+65 9123 4567'] };
    for (const dry_run of [true, false]) {
      const res = await app.api('POST', '/api/blasts', { ...body, dry_run });
      expect(res.body.total_recipients).toBe(2);
      expect(res.body.warnings).toEqual([
        {
          code: 'outside_default_country',
          message: expect.stringMatching(/^1 number is outside Malaysia \(1 Singapore\).*with \+60\.$/),
          count: 1,
          by_country: { SG: 1 },
          examples: [{ line: 2, phone: '+6591234567' }],
        },
      ]);
    }
  });

  it('dry_run answers the counts and a preview and writes nothing', async () => {
    const res = await unchanged(app, () =>
      app.api('POST', '/api/blasts', {
        ...SEED,
        recipients: [{ phone: '0123456789', name: 'A' }, '+60123456789', 'junk', '0123456790'],
        dry_run: true,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      blast_id: null,
      total_recipients: 2,
      invalid: [{ input: 'junk', line: 3, reason: 'not a phone number' }],
      duplicates: 1,
      opted_out: 0,
      warnings: [],
      preview: [
        { phone: '+60123456789', variables: { name: 'A' } },
        { phone: '+60123456790', variables: {} },
      ],
      variation: {
        distinct: 1,
        possible: 1,
        largest_identical: 2,
        samples: [{ phone: '+60123456789', text: 'Campaign message' }],
        warning: null,
      },
      recently_messaged: { count: 0, same_text: 0 },
      // The simulator's default pace; the ETA's figures are the pacing tests' business.
      plan: expect.objectContaining({ preset: 'fast', waiting_for_window: false }),
    });
  });

  it('stores SQL in the tag verbatim, as text, and every table survives', async () => {
    const tag = "'); DROP TABLE blasts; --";
    const id = await createBlast(app, { ...SEED, blast_tag: tag, message: "Robert'); DROP TABLE blast_recipients;--" });
    const [row] = await rows<{ tag: string; message: string }>(app.db.db, sql`SELECT tag, message FROM blasts WHERE id = ${id}`);
    expect(row).toEqual({ tag, message: "Robert'); DROP TABLE blast_recipients;--" });
    const tables = await rows<{ table_name: string }>(
      app.db.db,
      sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['blast_recipients', 'blasts', 'devices', 'inbound_messages', 'opt_outs', 'webhook_events']),
    );
    const got = await app.api('GET', `/api/blasts/${id}`);
    expect(got.body.tag).toBe(tag);
  });

  it('keeps opted-out numbers out, in any spelling, and counts them', async () => {
    await app.db.db.execute(sql`INSERT INTO opt_outs (phone_number, reason) VALUES ('+60177000001', 'STOP'), ('+60177000002', 'STOP')`);
    const body = { message: 'Hello', recipients: ['017-700 0001', '+60177000002', '+60177000003', '60177000004'] };

    const dry = await unchanged(app, () => app.api('POST', '/api/blasts', { ...body, dry_run: true }));
    expect(dry.body).toMatchObject({ total_recipients: 2, opted_out: 2, duplicates: 0, invalid: [] });

    const res = await app.api('POST', '/api/blasts', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ total_recipients: 2, opted_out: 2, duplicates: 0, invalid: [] });
    expect((await recipientsOf(app, res.body.blast_id)).map((r) => r.phone_number)).toEqual(['+60177000003', '+60177000004']);
  });

  it('refuses a blast whose every number is opted out, writing nothing', async () => {
    await app.db.db.execute(sql`INSERT INTO opt_outs (phone_number) VALUES ('+60177000101')`);
    const res = await unchanged(app, () => app.api('POST', '/api/blasts', { message: 'Hi', recipients: ['0177000101'] }));
    expectError(res, 400, 'validation_failed');
  });
});
