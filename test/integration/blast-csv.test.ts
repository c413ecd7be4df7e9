import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { SEED, createBlast, numbers, postForm, recipientsOf, startApiOnly, unchanged } from '../helpers/blastRequests.ts';
import { expectError } from '../helpers/expectError.ts';
import type { TestApp } from '../helpers/testApp.ts';

/**
 * CSV in and out of a blast (issue 2): a multipart upload whose columns become variables, every
 * way a file can be broken, and the recipients exported under a header row a spreadsheet opens.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startApiOnly();
});
afterAll(async () => {
  await app?.close();
});

/** The cells of one line of the export (RFC 4180 quoting, as a spreadsheet reads it). */
const cells = (line: string): string[] => (parse(line) as string[][])[0] ?? [];

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

describe('CSV export', () => {
  it('a bad row after several slices were stored → 400 naming its line, nothing persisted', async () => {
    // 12,000 rows are stored in slices inside one transaction before the bad row is read.
    const lines = ['phone,name'];
    for (let i = 0; i < 12_000; i++) lines.push(`+6013${String(i).padStart(7, '0')},Name ${i}`);
    lines.push('+60139999999,Bad\u0001name');
    const res = await unchanged(app, () => postForm(app, '/api/blasts/upload', `${lines.join('\n')}\n`));
    const error = expectError(res, 400, 'validation_failed');
    expect(error.message).toMatch(/^file row 12002\.name: /);
  });

  it('takes the message after the file, and checks every row against it', async () => {
    const upload = async (csv: string, message: string) => {
      const form = new FormData();
      form.set('file', new Blob([csv], { type: 'text/csv' }), 'recipients.csv');
      form.set('message', message);
      const r = await fetch(`${app.url}/api/blasts/upload`, { method: 'POST', body: form });
      return { status: r.status, body: await r.json() };
    };
    const ok = await upload('phone,name\n0177000301,Ali\n', 'Hi {{name}}');
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(await recipientsOf(app, ok.body.blast_id)).toEqual([
      { phone_number: '+60177000301', status: 'QUEUED', variables: { name: 'Ali' } },
    ]);
    // 4,000 characters of template and 200 of variable: too long only once the message is known.
    const long = await unchanged(app, () => upload(`phone,name\n0177000302,${'x'.repeat(200)}\n`, `${'y'.repeat(4000)} {{name}}`));
    expect(expectError(long, 400, 'validation_failed').message).toMatch(/^file row 2: .*at most 4096/);
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
    const header = cells(lines[0]!);
    expect(header.slice(0, 4)).toEqual(['name', 'Phone', 'Status', 'Reply']);
    expect(header).toEqual(expect.arrayContaining(['city', 'Gateway said', 'Message ID', 'Not delivered because']));
    const col = (line: string, name: string) => cells(line)[header.indexOf(name)];
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
    const header = cells(lines[0]!);
    expect(header).toContain('coupon');
    expect(cells(lines[5_001]!)[header.indexOf('coupon')]).toBe('LATE50');
  });
});
