import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';
import type { Json } from '../helpers/json.ts';
import { SEED, multipart, send } from './support.ts';

/**
 * Input at the edge. Before this, a NUL byte in a message answered 500 (PostgreSQL refuses it in
 * text), JSON bodies of 64 MB were read, and Fastify's own errors had Fastify's shape.
 */
const json = { 'content-type': 'application/json' };

describe('text fields refuse NUL and other control characters with 400 naming the field', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['message', { ...SEED, message: 'Hi\u0000there' }],
    ['blast_tag', { ...SEED, blast_tag: 'Launch\u0000' }],
    ['follow_up_stage', { ...SEED, follow_up_stage: 'Init\u001bial' }],
    ['recipients.0', { ...SEED, recipients: ['+6012345\u00006789'] }],
    ['recipients.0.name', { ...SEED, recipients: [{ phone: '+60123456789', name: 'Ali\u0000' }] }],
  ])('%s', async (field, body) => {
    const res = await app.api('POST', '/api/blasts', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
    expect((await app.api('GET', '/api/blasts')).body.total).toBe(0);
  });

  it.each([
    ['PUT', '/api/devices/5850', { label: 'Shop\u0000' }, 'label'],
    ['POST', '/api/opt-outs', { phone: '+60123456789', reason: 'asked\u0007' }, 'reason'],
    ['POST', '/api/connection/test-message', { phone: '+60123456789', message: 'Hi\u0000' }, 'message'],
    ['POST', '/api/recipients/1/close', { outcome: 'won', note: 'deal\u0000' }, 'note'],
  ] as const)('%s %s: the %s field too', async (method, path, body, field) => {
    const res = await app.api(method, path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });

  it('keeps tab, newline and carriage return in a message', async () => {
    const res = await app.api('POST', '/api/blasts', { ...SEED, message: 'Hi\tthere\r\nsee you', dry_run: true });
    expect(res.status).toBe(200);
  });

  it('in CSV cells and fields of an upload', async () => {
    const cell = multipart({ message: 'Hi {{name}}' }, 'phone,name\n+60123456789,Ali\u0000\n');
    const a = await send(app.url, 'POST', '/api/blasts/upload', { headers: { 'content-type': cell.contentType }, body: cell.body });
    expect(a.status).toBe(400);
    expect(a.json.error.message).toMatch(/file row 2\.name/);
    const field = multipart({ message: 'Hi\u0007' }, 'phone\n+60123456789\n');
    const b = await send(app.url, 'POST', '/api/blasts/upload', { headers: { 'content-type': field.contentType }, body: field.body });
    expect(b.status).toBe(400);
    expect(b.json.error.message).toContain('message');
  });

  it('caps variables per recipient and the rendered message length', async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`v${i}`, 'x']));
    const tooMany = await app.api('POST', '/api/blasts', { ...SEED, recipients: [{ phone: '+60123456789', ...many }] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/20 variables/);
    const long = await app.api('POST', '/api/blasts', {
      ...SEED,
      message: '{{a}}{{b}}{{c}}{{d}}{{e}}',
      recipients: [
        { phone: '+60123456789', a: 'x'.repeat(1000), b: 'x'.repeat(1000), c: 'x'.repeat(1000), d: 'x'.repeat(1000), e: 'x'.repeat(1000) },
      ],
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/4096/);
  });

  it('caps one CSV record (a file without line breaks)', async () => {
    const form = multipart({ message: 'Hi' }, `phone,name\n+60123456789,${'y'.repeat(70 * 1024)}\n`);
    const res = await send(app.url, 'POST', '/api/blasts/upload', { headers: { 'content-type': form.contentType }, body: form.body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_csv');
  });
});

describe("Fastify's own errors answer in the project's shape", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['an undecodable path', 'GET', '/api/%E0%A4%A', {}, undefined, 400],
    ['bad JSON', 'POST', '/api/blasts', json, '{"message":', 400],
    ['an unknown content type', 'POST', '/api/blasts', { 'content-type': 'application/x-evil' }, 'x', 415],
    [
      'a JSON body over 1 MB on a small route',
      'POST',
      '/api/blasts/1/resend',
      json,
      JSON.stringify({ statuses: ['FAILED'], pad: 'x'.repeat(1_100_000) }),
      413,
    ],
    [
      'a JSON blast over 16 MB',
      'POST',
      '/api/blasts',
      json,
      JSON.stringify({ ...SEED, message: 'x', recipients: Array.from({ length: 1_200_000 }, () => '+60123456789') }),
      413,
    ],
  ] as const)('%s', async (_name, method, path, headers, body, status) => {
    const res = await send(app.url, method, path, { headers: { ...headers }, body });
    expect(res.status).toBe(status);
    expect(res.json?.error?.code, res.text).toEqual(expect.any(String));
    expect(res.json.error.message).toEqual(expect.any(String));
  });
});

describe('bounded long requests: server-sent event streams and ?wait=true share a cap', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ MAX_LONG_REQUESTS: '2' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('beyond MAX_LONG_REQUESTS the answer is 503 too_many_streams; closing one frees its place', async () => {
    const id = (await app.api('POST', '/api/blasts', SEED)).body.blast_id as number;
    const streams = [new AbortController(), new AbortController()];
    const opened = await Promise.all(streams.map((c) => fetch(`${app.url}/api/blasts/${id}/events`, { signal: c.signal })));
    expect(opened.map((r) => r.status)).toEqual([200, 200]);
    // Wait for each stream's first report: both slots are now held.
    for (const r of opened) await r.body!.getReader().read();
    const third = await app.api('GET', `/api/blasts/${id}/events`);
    expect(third.status).toBe(503);
    expect(third.body.error.code).toBe('too_many_streams');
    const waiter = await app.api('POST', `/api/blasts/${id}/send?wait=true`);
    expect(waiter.status).toBe(503);
    streams[0]!.abort();
    // The slot comes back when the server sees the close; a ?wait=true send then completes.
    let done: { status: number; body: Json } | undefined;
    for (let i = 0; i < 200 && done?.status !== 200; i++) {
      done = await app.api('POST', `/api/blasts/${id}/send?wait=true`);
      if (done.status === 503) await new Promise((r) => setTimeout(r, 50));
    }
    expect(done!.status).toBe(200);
    expect(done!.body.state).toBe('completed');
    streams[1]!.abort();
  });
});
