import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';

/**
 * The blast API over real HTTP (issue 2): creating blasts from JSON and CSV, every refusal with
 * nothing persisted, reading, the report. Nothing here sends: blasts stay drafts, and the one
 * /send call checks a lifecycle 409.
 */

const SEED = {
  blast_tag: 'Product Launch',
  recipients: ['+60123456789', '+60123456790'],
  message: 'Campaign message',
  follow_up_stage: 'Initial',
};

/** `n` distinct valid Malaysian mobile numbers, +6012 followed by 7 digits from `start`. */
const numbers = (n: number, start = 0, prefix = '+6012'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(start + i).padStart(7, '0')}`);

async function tableCounts(app: TestApp): Promise<{ blasts: number; recipients: number }> {
  const [c] = await rows<{ blasts: number; recipients: number }>(
    app.db.db,
    sql`SELECT (SELECT count(*)::int FROM blasts) AS blasts, (SELECT count(*)::int FROM blast_recipients) AS recipients`,
  );
  return c!;
}

/** Runs `request` and asserts the blasts and blast_recipients tables hold as many rows after as before. */
async function unchanged<T>(app: TestApp, request: () => Promise<T>): Promise<T> {
  const before = await tableCounts(app);
  const result = await request();
  expect(await tableCounts(app)).toEqual(before);
  return result;
}

/** Every error body is exactly `{error: {code, message, details?}}`, and never a stack trace. */
function expectError(
  res: { status: number; body: unknown },
  status: number,
  code?: string,
): { code: string; message: string; details?: unknown } {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = res.body as { error: { code: string; message: string; details?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(body.error)) expect(['code', 'message', 'details']).toContain(key);
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(text).not.toContain('stack');
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

async function postForm(
  app: TestApp,
  path: string,
  csv: string,
  fields: Record<string, string> = { message: 'Hi {{name}}' },
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([csv], { type: 'text/csv' }), 'recipients.csv');
  const res = await fetch(app.url + path, { method: 'POST', body: form, headers });
  return { status: res.status, body: await res.json() };
}

async function createBlast(app: TestApp, body: Record<string, unknown>): Promise<number> {
  const res = await app.api('POST', '/api/blasts', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.blast_id as number;
}

async function recipientsOf(app: TestApp, blastId: number) {
  return rows<{ phone_number: string; status: string; variables: Record<string, string> }>(
    app.db.db,
    sql`SELECT phone_number, status, variables FROM blast_recipients WHERE blast_id = ${blastId} ORDER BY id`,
  );
}

describe('blast API', () => {
  let app: TestApp;
  beforeAll(async () => {
    // API only: these tests set statuses by hand (SENDING without an owner, say), which a running
    // engine would rightly settle as UNCERTAIN under their feet.
    app = await startTestApp({ ROLE: 'api' });
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

  describe('every bad request is a clear 4xx and changes nothing', () => {
    it.each([
      ['recipients is a string', { ...SEED, recipients: '+60123456789' }, 'recipients'],
      ['recipients holds a number', { ...SEED, recipients: [60123456789] }, 'recipients'],
      ['recipients holds null', { ...SEED, recipients: [null] }, 'recipients'],
      ['recipient object without phone', { ...SEED, recipients: [{ name: 'Ali' }] }, 'recipients'],
      ['message is a number', { ...SEED, message: 123 }, 'message'],
      ['message is missing', { recipients: SEED.recipients }, 'message'],
      ['message is blank', { ...SEED, message: '   ' }, 'message'],
      ['blast_tag is an object', { ...SEED, blast_tag: { $ne: 1 } }, 'blast_tag'],
      ['follow_up_stage is an array', { ...SEED, follow_up_stage: ['a'] }, 'follow_up_stage'],
      ['scheduled_at is not a date', { ...SEED, scheduled_at: 'tomorrow morning' }, 'scheduled_at'],
      ['dry_run is a string', { ...SEED, dry_run: 'yes' }, 'dry_run'],
      ['device has spaces', { ...SEED, device: 'my phone' }, 'device'],
      ['a variable is an object', { ...SEED, recipients: [{ phone: '0123456789', name: { first: 'A' } }] }, 'recipients'],
    ])('%s → 400 naming the field', async (_label, body, field) => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', body));
      const error = expectError(res, 400, 'validation_failed');
      expect(error.message).toContain(field);
      expect(JSON.stringify(error.details)).toContain(field);
    });

    it('an unknown field → 400 naming it', async () => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', { ...SEED, sender_name: 'Acme' }));
      const error = expectError(res, 400, 'validation_failed');
      expect(error.message).toContain('sender_name');
      expect(error.details).toEqual([{ field: 'sender_name', message: 'unknown field' }]);
    });

    it('an empty recipients list → 400', async () => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', { ...SEED, recipients: [] }));
      expect(expectError(res, 400, 'validation_failed').message).toContain('recipients');
    });

    it('a 1 MB message → 400 or 413', async () => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', { ...SEED, message: 'x'.repeat(1024 * 1024) }));
      expect([400, 413]).toContain(res.status);
      expectError(res, res.status);
      if (res.status === 400) expect(res.body.error.message).toContain('message');
    });

    it('malformed JSON → 400', async () => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', '{"recipients": ["+60123456789"], "message": '));
      expectError(res, 400, 'bad_request');
    });

    it.each([
      ['a JSON array', '[{"message":"x","recipients":["+60123456789"]}]'],
      ['JSON null', 'null'],
      ['a JSON string', '"hello"'],
      ['a JSON number', '42'],
    ])('%s as the body → 400', async (_label, body) => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', body));
      expectError(res, 400);
    });

    it('an empty JSON body → 400', async () => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', ''));
      expectError(res, 400);
    });

    it('no body at all → 400', async () => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts'));
      expectError(res, 400);
    });

    it.each([['text/xml'], ['text/plain'], ['application/x-www-form-urlencoded']])('content type %s → 415', async (type) => {
      const res = await unchanged(app, () =>
        app.api('POST', '/api/blasts', '<blast><message>x</message></blast>', { 'content-type': type }),
      );
      expectError(res, 415, 'unsupported_media_type');
    });

    it('all-invalid recipients → 400', async () => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', { ...SEED, recipients: ['abc', '123', '', '+1'] }));
      expect(expectError(res, 400, 'validation_failed').message).toMatch(/no valid recipients/i);
    });

    it('a recipient longer than a phone number could be → 400', async () => {
      const res = await unchanged(app, () => app.api('POST', '/api/blasts', { ...SEED, recipients: ['1'.repeat(1000)] }));
      expectError(res, 400, 'validation_failed');
    });

    it.each([
      ['/api/blasts/abc'],
      ['/api/blasts/0'],
      ['/api/blasts/-1'],
      ['/api/blasts/1.5'],
      ['/api/blasts/99999999999999999999'],
      ['/api/blasts/1%20OR%201=1'],
      ['/api/blasts/abc/report'],
      ['/api/blasts/abc/recipients'],
    ])('GET %s → 400 naming the id', async (path) => {
      const res = await app.api('GET', path);
      expect(expectError(res, 400, 'validation_failed').message).toContain('id');
    });

    it.each([
      ['/api/blasts/987654'],
      ['/api/blasts/987654/report'],
      ['/api/blasts/987654/recipients'],
      ['/api/blasts/987654/recipients?format=csv'],
    ])('GET %s (unknown id) → 404', async (path) => {
      expectError(await app.api('GET', path), 404, 'not_found');
    });

    it('an unknown route → 404 with the same error shape', async () => {
      expectError(await app.api('GET', '/api/nothing-here'), 404, 'not_found');
      expectError(await app.api('DELETE', '/api/blasts'), 404, 'not_found');
    });

    it.each([
      ['limit=abc', 'limit'],
      ['limit=0', 'limit'],
      ['limit=100000', 'limit'],
      ['offset=-1', 'offset'],
    ])('GET /api/blasts?%s → 400 naming the parameter', async (query, field) => {
      expect(expectError(await app.api('GET', `/api/blasts?${query}`), 400, 'validation_failed').message).toContain(field);
    });

    it('lifecycle moves that do not apply → 409 with the state, and nothing is sent', async () => {
      const id = await createBlast(app, { ...SEED, recipients: numbers(3, 4_000_000) });
      expectError(await app.api('POST', `/api/blasts/${id}/pause`), 409, 'invalid_state');
      expectError(await app.api('POST', `/api/blasts/${id}/resume`), 409, 'invalid_state');
      expect((await app.api('POST', `/api/blasts/${id}/cancel`)).body).toEqual({ success: true, state: 'cancelled' });

      const send = await app.api('POST', `/api/blasts/${id}/send`);
      expect(expectError(send, 409, 'invalid_state').details).toEqual({ state: 'cancelled' });
      expectError(await app.api('POST', `/api/blasts/${id}/cancel`), 409, 'invalid_state');
      expectError(await app.api('POST', `/api/blasts/${id}/resume`), 409, 'invalid_state');
      expectError(await app.api('POST', `/api/blasts/${id}/send`), 409, 'invalid_state');
      expectError(await app.api('POST', '/api/blasts/987654/send'), 404, 'not_found');

      const [blast] = await rows<{ state: string; started_at: string | null }>(
        app.db.db,
        sql`SELECT state, started_at FROM blasts WHERE id = ${id}`,
      );
      expect(blast).toEqual({ state: 'cancelled', started_at: null });
      expect((await recipientsOf(app, id)).map((r) => r.status)).toEqual(['SKIPPED', 'SKIPPED', 'SKIPPED']);
      expect(app.simulator!.tally()).toEqual({});
    });
  });

  describe('CSV upload', () => {
    const CSV =
      'phone,name,city\n012-345 6789,Aisyah,Kuala Lumpur\n+60123456790,"Tan, Ah Kow",Penang\n60123456789,Duplicate,Ipoh\nnope,Bad,Nowhere\n';

    it.each([['/api/blasts/upload'], ['/api/blasts']])('POST %s (multipart) stores the columns as variables', async (path) => {
      const res = await postForm(app, path, CSV, {
        message: 'Hi {{name|there}} from {{city}}',
        blast_tag: 'CSV launch',
        follow_up_stage: 'Initial',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toEqual({
        success: true,
        blast_id: expect.any(Number),
        total_recipients: 2,
        duplicates: 1,
        opted_out: 0,
        warnings: [],
        invalid: [{ input: 'nope', line: 4, reason: 'not a phone number' }],
      });
      expect(await recipientsOf(app, res.body.blast_id)).toEqual([
        { phone_number: '+60123456789', status: 'QUEUED', variables: { name: 'Aisyah', city: 'Kuala Lumpur' } },
        { phone_number: '+60123456790', status: 'QUEUED', variables: { name: 'Tan, Ah Kow', city: 'Penang' } },
      ]);
      const blast = await app.api('GET', `/api/blasts/${res.body.blast_id}`);
      expect(blast.body).toMatchObject({
        tag: 'CSV launch',
        message: 'Hi {{name|there}} from {{city}}',
        follow_up_stage: 'Initial',
        total_recipients: 2,
      });
    });

    it('a dry run upload writes nothing', async () => {
      const res = await unchanged(app, () => postForm(app, '/api/blasts/upload', CSV, { message: 'Hi', dry_run: 'true' }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ blast_id: null, total_recipients: 2, duplicates: 1 });
      expect(res.body.preview[0]).toEqual({ phone: '+60123456789', variables: { name: 'Aisyah', city: 'Kuala Lumpur' } });
    });

    it('a broken CSV (unclosed quote) → 400 invalid_csv naming the line where the quote opens', async () => {
      const broken = 'phone,name\n0123456789,Ali\n0123456790,"Siti\n0123456791,Bob\n0123456792,Chong\n';
      const res = await unchanged(app, () => postForm(app, '/api/blasts/upload', broken));
      const error = expectError(res, 400, 'invalid_csv');
      expect(error.message).toMatch(/line 3\b/);
    });

    it('a row with the wrong number of columns → 400 invalid_csv naming its line', async () => {
      const res = await unchanged(app, () => postForm(app, '/api/blasts/upload', 'phone,name\n0123456789,Ali\n0123456790,Siti,extra\n'));
      expect(expectError(res, 400, 'invalid_csv').message).toMatch(/line 3\b/);
    });

    it('a CSV without a phone column → 400 naming what it found', async () => {
      const res = await unchanged(app, () => postForm(app, '/api/blasts', 'name,city\nAli,KL\n'));
      const error = expectError(res, 400, 'invalid_csv');
      expect(error.message).toMatch(/phone/);
      expect(error.message).toContain('name, city');
    });

    it('an empty CSV → 400', async () => {
      expectError(await unchanged(app, () => postForm(app, '/api/blasts/upload', '')), 400, 'invalid_csv');
    });

    it('a CSV with only invalid numbers → 400', async () => {
      expectError(await unchanged(app, () => postForm(app, '/api/blasts/upload', 'phone\nabc\n123\n')), 400, 'validation_failed');
    });

    it('a form without a file → 400 naming the file field', async () => {
      const form = new FormData();
      form.set('message', 'Hi');
      const res = await unchanged(app, async () => {
        const r = await fetch(`${app.url}/api/blasts/upload`, { method: 'POST', body: form });
        return { status: r.status, body: await r.json() };
      });
      expect(expectError(res, 400, 'validation_failed').message).toContain('file');
    });

    it('a form without a message, or with an unknown field → 400 naming it', async () => {
      const noMessage = await unchanged(app, () => postForm(app, '/api/blasts/upload', 'phone\n0123456789\n', {}));
      expect(expectError(noMessage, 400, 'validation_failed').message).toContain('message');
      const unknown = await unchanged(app, () =>
        postForm(app, '/api/blasts/upload', 'phone\n0123456789\n', { message: 'Hi', colour: 'red' }),
      );
      expect(expectError(unknown, 400, 'validation_failed').message).toContain('colour');
    });

    it.each([
      ['without a boundary', 'multipart/form-data', 'whatever'],
      ['with garbage for a body', 'multipart/form-data; boundary=XyZ', 'garbage'],
      [
        'cut short inside the file',
        'multipart/form-data; boundary=XyZ',
        '--XyZ\r\nContent-Disposition: form-data; name="message"\r\n\r\nHi\r\n--XyZ\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n\r\nphone\n0123456789\n',
      ],
    ])('a malformed multipart body (%s) → 400 at once, nothing persisted', async (_label, type, body) => {
      const res = await unchanged(app, async () => {
        const r = await fetch(`${app.url}/api/blasts/upload`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        return { status: r.status, body: await r.json() };
      });
      expectError(res, 400);
    });

    it('opted-out numbers in a CSV are kept out and counted', async () => {
      await app.db.db.execute(sql`INSERT INTO opt_outs (phone_number) VALUES ('+60177000201')`);
      const res = await postForm(app, '/api/blasts/upload', 'phone,name\n0177000201,Out\n0177000202,In\n');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ total_recipients: 1, opted_out: 1 });
      expect(await recipientsOf(app, res.body.blast_id)).toEqual([
        { phone_number: '+60177000202', status: 'QUEUED', variables: { name: 'In' } },
      ]);
    });

    it('accepts a 100,000-row CSV in one blast', async () => {
      const lines = ['phone,name,city'];
      for (let i = 0; i < 100_000; i++) lines.push(`+6012${String(i).padStart(7, '0')},Name ${i},KL`);
      const res = await postForm(app, '/api/blasts/upload', `${lines.join('\n')}\n`, { message: 'Hi {{name}}', blast_tag: 'big' });
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(201);
      expect(res.body).toMatchObject({ total_recipients: 100_000, duplicates: 0, invalid: [], opted_out: 0 });
      const [stored] = await rows<{ n: number; distinct_phones: number; queued: number }>(
        app.db.db,
        sql`SELECT count(*)::int AS n, count(DISTINCT phone_number)::int AS distinct_phones, count(*) FILTER (WHERE status = 'QUEUED')::int AS queued
            FROM blast_recipients WHERE blast_id = ${res.body.blast_id}`,
      );
      expect(stored).toEqual({ n: 100_000, distinct_phones: 100_000, queued: 100_000 });
      const [last] = await rows<{ phone_number: string; variables: Record<string, string> }>(
        app.db.db,
        sql`SELECT phone_number, variables FROM blast_recipients WHERE blast_id = ${res.body.blast_id} ORDER BY id DESC LIMIT 1`,
      );
      expect(last).toEqual({ phone_number: '+60120099999', variables: { name: 'Name 99999', city: 'KL' } });
      const report = await app.api('GET', `/api/blasts/${res.body.blast_id}/report`);
      expect(report.body).toMatchObject({ total: 100_000, queued: 100_000, sent: 0 });
    });
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

    it('GET /api/blasts/:id/recipients?format=csv exports one line per recipient under a header row', async () => {
      const res = await postForm(
        app,
        '/api/blasts/upload',
        'phone,name,city\n0123456789,"Tan, Ah Kow",KL\n0123456790,"=HYPERLINK(""x"")",Penang\n0123456791,Siti,\n',
      );
      const id = res.body.blast_id as number;
      await app.db.db.execute(
        sql`UPDATE blast_recipients SET status = 'FAILED', last_error = 'not on WhatsApp' WHERE blast_id = ${id} AND phone_number = '+60123456791'`,
      );

      const csv = await fetch(`${app.url}/api/blasts/${id}/recipients?format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="blast-${id}-\\d{4}-\\d{2}-\\d{2}\\.csv"`));
      const lines = (await csv.text())
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\n');
      expect(lines).toHaveLength(4);
      const header = parseCsvLine(lines[0]!);
      expect(header.slice(0, 4)).toEqual(['name', 'Phone', 'Status', 'Reply']);
      expect(header).toEqual(expect.arrayContaining(['city', 'Gateway said', 'Message ID', 'Not delivered because']));
      const col = (line: string, name: string) => parseCsvLine(line)[header.indexOf(name)];
      expect(lines.slice(1).map((l) => col(l, 'Phone'))).toEqual(['+60123456789', '+60123456790', '+60123456791']);
      expect(lines.slice(1).map((l) => col(l, 'Status'))).toEqual(['Queued', 'Queued', 'Failed']);
      expect(col(lines[1]!, 'name')).toBe('Tan, Ah Kow');
      // A cell a spreadsheet would run as a formula is defused.
      expect(col(lines[2]!, 'name')).toBe(`'=HYPERLINK("x")`);
      expect(col(lines[3]!, 'Gateway said')).toBe('not on WhatsApp');
      expect(col(lines[3]!, 'Not delivered because')).toBe('Not on WhatsApp');

      const failedOnly = await (await fetch(`${app.url}/api/blasts/${id}/recipients?format=csv&status=FAILED`)).text();
      expect(failedOnly.trimEnd().split('\n')).toHaveLength(2);
    });

    it('the CSV export of a blast with no matching recipient is just the header row', async () => {
      const id = await createBlast(app, SEED);
      const text = await (await fetch(`${app.url}/api/blasts/${id}/recipients?format=csv&status=CLOSED`)).text();
      expect(text.trimEnd().split('\n')).toHaveLength(1);
      expect(text.startsWith('Phone,Status,Reply,')).toBe(true); // text() drops the byte-order mark
    });

    it('the CSV export has a column for a variable that only later recipients carry', async () => {
      const recipients: Array<string | { phone: string; coupon: string }> = numbers(5_001, 6_000_000);
      recipients[5_000] = { phone: recipients[5_000] as string, coupon: 'LATE50' };
      const id = await createBlast(app, { message: 'Hi', recipients });
      const lines = (await (await fetch(`${app.url}/api/blasts/${id}/recipients?format=csv`)).text()).trimEnd().split('\n');
      expect(lines).toHaveLength(5_002);
      const header = parseCsvLine(lines[0]!);
      expect(header).toContain('coupon');
      expect(parseCsvLine(lines[5_001]!)[header.indexOf('coupon')]).toBe('LATE50');
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
          await app.db.db.execute(
            sql`UPDATE blast_recipients SET status = ${status} WHERE blast_id = ${id} AND phone_number = ${phones[i]}`,
          );
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
});

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

describe('blast API: MAX_RECIPIENTS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ MAX_RECIPIENTS: '50' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('accepts exactly the maximum', async () => {
    const res = await app.api('POST', '/api/blasts', { message: 'Hi', recipients: numbers(50) });
    expect(res.status).toBe(201);
    expect(res.body.total_recipients).toBe(50);
  });

  it('more than MAX_RECIPIENTS → 413 with a clear message, nothing persisted', async () => {
    const res = await unchanged(app, () => app.api('POST', '/api/blasts', { message: 'Hi', recipients: numbers(51, 100) }));
    const error = expectError(res, 413, 'too_many_recipients');
    expect(error.message).toContain('50');
  });

  it('far more than MAX_RECIPIENTS → 413 before any work', async () => {
    expectError(
      await unchanged(app, () => app.api('POST', '/api/blasts', { message: 'Hi', recipients: numbers(1_000, 200) })),
      413,
      'too_many_recipients',
    );
  });

  it('duplicates and invalid entries do not count against the maximum', async () => {
    const recipients = [...numbers(50, 2_000), ...numbers(20, 2_000), 'junk', 'junk'];
    const res = await app.api('POST', '/api/blasts', { message: 'Hi', recipients });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ total_recipients: 50, duplicates: 20 });
  });

  it('a CSV with more rows than the maximum → 413, nothing persisted', async () => {
    const csv = `phone\n${numbers(51, 3_000).join('\n')}\n`;
    expectError(await unchanged(app, () => postForm(app, '/api/blasts/upload', csv)), 413, 'too_many_recipients');
    const huge = `phone\n${numbers(500, 4_000).join('\n')}\n`;
    expectError(await unchanged(app, () => postForm(app, '/api/blasts', huge)), 413, 'too_many_recipients');
  });
});

describe('blast API: API_TOKEN', () => {
  const TOKEN = 'tok-3f9a1c7e-secret-0123456789abcdef';
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await app?.close();
  });
  const auth = { authorization: `Bearer ${TOKEN}` };

  it.each([
    ['GET', '/api/blasts'],
    ['GET', '/api/blasts/1'],
    ['GET', '/api/blasts/1/report'],
    ['GET', '/api/blasts/1/recipients?format=csv'],
    ['GET', '/api/nothing-here'],
    ['GET', '/%61pi/blasts'],
    ['GET', '/api/%62lasts'],
  ])('%s %s without a token → 401', async (method, path) => {
    const res = await app.api(method, path);
    expectError(res, 401, 'unauthorized');
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
  });

  it('POST /api/blasts without a token, or with a wrong one → 401 and nothing persisted', async () => {
    expectError(await unchanged(app, () => app.api('POST', '/api/blasts', SEED)), 401, 'unauthorized');
    expectError(await unchanged(app, () => app.api('POST', '/api/blasts', SEED, { authorization: 'Bearer wrong' })), 401, 'unauthorized');
    expectError(await unchanged(app, () => app.api('POST', '/api/blasts', SEED, { authorization: TOKEN })), 401, 'unauthorized');
    expectError(await unchanged(app, () => app.api('POST', '/api/blasts', SEED, { authorization: `Basic ${TOKEN}` })), 401, 'unauthorized');
    expectError(
      await unchanged(app, () => app.api('POST', '/api/blasts', SEED, { authorization: `Bearer ${TOKEN}x` })),
      401,
      'unauthorized',
    );
    expectError(await unchanged(app, () => postForm(app, '/api/blasts/upload', 'phone\n0123456789\n')), 401, 'unauthorized');
  });

  it('with Authorization: Bearer <token> → 200/201', async () => {
    expect((await app.api('GET', '/api/blasts', undefined, auth)).status).toBe(200);
    const created = await app.api('POST', '/api/blasts', SEED, auth);
    expect(created.status).toBe(201);
    expect((await app.api('GET', `/api/blasts/${created.body.blast_id}/report`, undefined, auth)).status).toBe(200);
    expect((await postForm(app, '/api/blasts/upload', 'phone\n0123456789\n', { message: 'Hi' }, auth)).status).toBe(201);
  });

  it('/api/meta, /healthz stay open', async () => {
    const meta = await app.api('GET', '/api/meta');
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({ auth_required: true });
    expect(JSON.stringify(meta.body)).not.toContain(TOKEN);
    expect((await app.api('GET', '/healthz')).body).toMatchObject({ ok: true, database: 'up' });
  });
});

describe('blast API: internal errors', () => {
  it('a 500 says only "internal", never a stack, a table name or the SQL', async () => {
    const app = await startTestApp();
    try {
      await app.db.db.execute(sql`ALTER TABLE blasts RENAME TO blasts_gone`);
      try {
        const res = await app.api('GET', '/api/blasts');
        const error = expectError(res, 500, 'internal');
        const text = JSON.stringify(res.body);
        expect(text).not.toMatch(/blasts_gone|relation|SELECT|node_modules|src\//);
        expect(error.details).toBeUndefined();
      } finally {
        await app.db.db.execute(sql`ALTER TABLE blasts_gone RENAME TO blasts`);
      }
    } finally {
      await app.close();
    }
  });
});

/** Splits one CSV line into cells (RFC 4180 quoting), enough for the export's single-line rows. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
