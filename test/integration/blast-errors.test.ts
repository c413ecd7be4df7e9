import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { SEED, createBlast, numbers, recipientsOf, startApiOnly, unchanged } from '../helpers/blastRequests.ts';
import { expectError } from '../helpers/expectError.ts';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';

/**
 * Every request the blast API refuses (issue 2): a clear 4xx in one error shape, nothing
 * persisted, nothing sent; and a 500 that gives nothing away.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startApiOnly();
});
afterAll(async () => {
  await app?.close();
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
    const res = await unchanged(app, () => app.api('POST', '/api/blasts', '<blast><message>x</message></blast>', { 'content-type': type }));
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
