/**
 * Issue 16's server parts, against the whole app and the simulator over real HTTP: the blast's
 * recipients with their names, latest reply and opt-out, searched by name; the dry run's warning
 * about numbers messaged in the last 24 hours; the opt-out list (source, search, paging, CSV
 * import); "Retry failed" requeuing only failures another try can fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OptOutList, RecipientList, RecipientListItem, ReplyList } from '../../src/api/contract.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

let app: TestApp;
const hook = (body: unknown) => app.api('POST', `/webhooks/wsapme?token=${app.config.webhookSecret}`, body);
const PEOPLE = [
  { phone: '+60139100001', name: 'Aisha Rahman' },
  { phone: '+60139100002', name: 'Muthu' },
  { phone: '+60139100003', name: 'Siew Ling' },
];

beforeAll(async () => {
  app = await startTestApp({ POLL_MODE: 'off' }, { deliverProbability: 0 });
  app.simulator!.configure({ webhookUrl: null });
});
afterAll(async () => app?.close());

describe('the blast page and the review step', () => {
  let blast: number;
  beforeAll(async () => {
    blast = (await app.api('POST', '/api/blasts', { message: 'Hi {{name}}, the sale is on', blast_tag: 'Sale', recipients: PEOPLE })).body
      .blast_id;
    await app.api('POST', `/api/blasts/${blast}/send?wait=true`);
    await hook({ event: 'message', from: PEOPLE[0]!.phone, message: 'How much is the blue one?' });
    await hook({ event: 'message', from: PEOPLE[0]!.phone, message: 'And in red?' });
    await hook({ event: 'message', from: PEOPLE[1]!.phone, message: 'STOP' });
  });

  it('lists each recipient with its name, latest reply, how many replies, and whether it opted out', async () => {
    const list = (await app.api<RecipientList>('GET', `/api/blasts/${blast}/recipients`)).body.recipients;
    const by = new Map<string, RecipientListItem>(list.map((r) => [r.phone_number, r]));
    expect(by.get(PEOPLE[0]!.phone)).toMatchObject({
      variables: { name: 'Aisha Rahman' },
      status: 'REPLIED',
      last_reply: 'And in red?',
      reply_count: 2,
      opted_out: false,
    });
    expect(by.get(PEOPLE[1]!.phone)).toMatchObject({ status: 'REPLIED', last_reply: 'STOP', reply_count: 1, opted_out: true });
    expect(by.get(PEOPLE[2]!.phone)).toMatchObject({ status: 'PENDING', last_reply: null, reply_count: 0, opted_out: false });
    expect(Date.parse(by.get(PEOPLE[0]!.phone)?.last_reply_at ?? '')).toBeGreaterThan(0);
  });

  it('searches by name (any case, part of it), by a local spelling of the number, and takes LIKE wildcards literally', async () => {
    const q = async (s: string) =>
      (await app.api<RecipientList>('GET', `/api/blasts/${blast}/recipients?q=${encodeURIComponent(s)}`)).body.recipients.map(
        (r) => r.phone_number,
      );
    expect(await q('siew')).toEqual([PEOPLE[2]!.phone]);
    expect(await q('013-910 0002')).toEqual([PEOPLE[1]!.phone]);
    expect(await q('%')).toEqual([]);
    expect(await q('_')).toEqual([]);
    expect((await app.api('GET', `/api/blasts/${blast}/recipients?q=${'x'.repeat(201)}`)).status).toBe(400);
  });

  it('the dry run counts who was messaged in the last 24 hours, and with the same text; opt-outs stay out', async () => {
    const again = await app.api('POST', '/api/blasts', {
      message: 'Hi {{name}}, the sale is on',
      recipients: [...PEOPLE, { phone: '+60139100009', name: 'New' }],
      dry_run: true,
    });
    expect(again.body).toMatchObject({ total_recipients: 3, opted_out: 1, recently_messaged: { count: 2, same_text: 2 } });
    const other = await app.api('POST', '/api/blasts', {
      message: 'Something else',
      recipients: PEOPLE.map((p) => p.phone),
      dry_run: true,
    });
    expect(other.body.recently_messaged).toEqual({ count: 2, same_text: 0 });
    const fresh = await app.api('POST', '/api/blasts', { message: 'Hi', recipients: ['+60139100008'], dry_run: true });
    expect(fresh.body.recently_messaged).toEqual({ count: 0, same_text: 0 });
    // A follow-up's dry run says the same about its segment.
    const follow = await app.api('POST', `/api/blasts/${blast}/follow-up`, {
      segment: 'not_received',
      message: 'Still there?',
      dry_run: true,
    });
    expect(follow.body).toMatchObject({ total_recipients: 1, recently_messaged: { count: 1, same_text: 0 } });
    // A draft sends nothing: its recipients do not count. A scheduled blast's queued ones do —
    // the mistaken second run is made while the first has not gone out yet.
    const draft = (await app.api('POST', '/api/blasts', { message: 'Queued text', recipients: ['+60139100007'] })).body.blast_id;
    const dry = () => app.api('POST', '/api/blasts', { message: 'Queued text', recipients: ['+60139100007'], dry_run: true });
    expect((await dry()).body.recently_messaged).toEqual({ count: 0, same_text: 0 });
    await app.api('POST', `/api/blasts/${draft}/cancel`);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const later = (await app.api('POST', '/api/blasts', { message: 'Queued text', recipients: ['+60139100007'], scheduled_at: tomorrow }))
      .body.blast_id;
    expect((await app.api('POST', `/api/blasts/${later}/send`)).body.state).toBe('scheduled');
    expect((await dry()).body.recently_messaged).toEqual({ count: 1, same_text: 1 });
  });

  it('the inbox never lists an opt-out among the leads still to chase', async () => {
    const all = (await app.api<ReplyList>('GET', `/api/replies?blast_id=${blast}`)).body.replies;
    expect(all.find((r) => r.text === 'STOP')).toMatchObject({ opted_out: true });
    const open = (await app.api<ReplyList>('GET', `/api/replies?blast_id=${blast}&open=true`)).body.replies;
    expect(open.map((r) => r.text).sort()).toEqual(['And in red?', 'How much is the blue one?']);
  });
});

describe('opt-outs', () => {
  it('says where each came from; searches, pages, imports a CSV and removes', async () => {
    const stop = (await app.api('GET', '/api/opt-outs?source=reply')).body.opt_outs;
    expect(stop).toEqual([expect.objectContaining({ phone_number: PEOPLE[1]!.phone, source: 'reply', reason: 'replied "STOP"' })]);
    const manual = await app.api('POST', '/api/opt-outs', { phone: '013-920 0001', reason: 'asked on the phone' });
    expect(manual.status).toBe(201);
    expect(manual.body).toEqual({ success: true, phone_number: '+60139200001', added: true });
    expect((await app.api('POST', '/api/opt-outs', { phone: '+60139200001' })).body.added).toBe(false);
    expect((await app.api('POST', '/api/opt-outs', { phone: '+60139200002', source: 'probably_blocked' })).status).toBe(201);
    expect((await app.api('POST', '/api/opt-outs', { phone: '+60139200003', source: 'reply' })).status).toBe(400);

    const form = new FormData();
    const csv = 'name,phone\nA,+60139300001\nB,013-930 0002\nC,not a number\nD,+60139300001\nE,+60139200001\n';
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'old list.csv');
    const imported = await fetch(`${app.url}/api/opt-outs/import`, { method: 'POST', body: form });
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({ added: 2, already: 1, duplicates: 1, invalid: [{ line: 3, input: 'not a number' }] });
    const noPhone = new FormData();
    noPhone.append('file', new Blob(['name\nA\n'], { type: 'text/csv' }), 'x.csv');
    const refused = await fetch(`${app.url}/api/opt-outs/import`, { method: 'POST', body: noPhone });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('phone');
    expect((await app.api('POST', '/api/opt-outs/import', { file: 'x' })).status).toBe(415);

    const all = (await app.api('GET', '/api/opt-outs?limit=2')).body;
    expect(all).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(all.opt_outs).toHaveLength(2);
    const sources = (await app.api<OptOutList>('GET', '/api/opt-outs?limit=10')).body.opt_outs
      .map((o) => `${o.phone_number} ${o.source}`)
      .sort();
    expect(sources).toEqual([
      '+60139100002 reply',
      '+60139200001 manual',
      '+60139200002 probably_blocked',
      '+60139300001 import',
      '+60139300002 import',
    ]);
    expect((await app.api('GET', `/api/opt-outs?q=${encodeURIComponent('013-930')}`)).body.total).toBe(2);
    expect((await app.api<OptOutList>('GET', '/api/opt-outs?q=phone')).body.opt_outs.map((o) => o.phone_number)).toEqual(['+60139200001']);
    expect((await app.api('GET', '/api/opt-outs?source=nope')).status).toBe(400);
    expect((await app.api('DELETE', `/api/opt-outs/${encodeURIComponent('013-930 0002')}`)).status).toBe(200);
    expect((await app.api('GET', '/api/opt-outs')).body.total).toBe(4);
  });
});

describe('retry failed', () => {
  it('requeues failures another try can fix, never a number that is not on WhatsApp; a dry run only counts', async () => {
    // The simulator refuses numbers ending 0000 ("number not on WhatsApp").
    const recipients = ['+60139400000', '+60139410000', '+60139400003'];
    const id = (await app.api('POST', '/api/blasts', { message: 'x', recipients })).body.blast_id;
    await app.api('POST', `/api/blasts/${id}/send?wait=true`);
    const list = (await app.api<RecipientList>('GET', `/api/blasts/${id}/recipients`)).body.recipients;
    expect(list.filter((r) => r.status === 'FAILED')).toHaveLength(2);
    // WhatsApp refuses the third after accepting it: the gateway's ERROR status.
    const third = list.find((r) => r.phone_number === '+60139400003')!;
    await hook({ messageId: third.message_id, status: 'ERROR' });
    await eventually(async () => (await app.api('GET', `/api/blasts/${id}/report`)).body.failed === 3, 10_000);

    const dry = await app.api('POST', `/api/blasts/${id}/resend`, { statuses: ['FAILED'], dry_run: true });
    expect(dry.body).toEqual({ success: true, requeued: 1, not_retryable: 2 });
    expect((await app.api('GET', `/api/blasts/${id}/report`)).body.failed).toBe(3);
    const real = await app.api('POST', `/api/blasts/${id}/resend`, { statuses: ['FAILED'] });
    expect(real.body).toEqual({ success: true, requeued: 1, not_retryable: 2 });
    await eventually(async () => (await app.api('GET', `/api/blasts/${id}`)).body.state === 'completed', 20_000);
    const after = (await app.api<RecipientList>('GET', `/api/blasts/${id}/recipients`)).body.recipients;
    expect(after.find((r) => r.phone_number === '+60139400003')?.status).toBe('PENDING');
    expect(
      after
        .filter((r) => r.status === 'FAILED')
        .map((r) => r.phone_number)
        .sort(),
    ).toEqual(['+60139400000', '+60139410000']);
  });
});
