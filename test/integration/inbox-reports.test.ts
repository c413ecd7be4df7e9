import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import type { SimMessage } from '../../sim/simMessage.ts';
import type { ContactTimeline, FunnelGroup, FunnelReport, ReplyList, ReplyView } from '../../src/api/contract.ts';
import { funnelScanByBlast, funnelScanByDay } from '../helpers/funnelScan.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+6013${String(4_000_001 + start + i)}`);
const digits = (s: string) => s.replace(/\D/g, '');

let app: TestApp;
let launch: number;
let promo: number;
const launchPhones = phones(60);
const promoPhones = phones(20, 40); // 20 overlap with the launch: the same people in two blasts

async function sendBlast(body: Record<string, unknown>) {
  const created = await app.api('POST', '/api/blasts', body);
  expect(created.status).toBe(201);
  const id = created.body.blast_id as number;
  await app.api('POST', `/api/blasts/${id}/send`);
  await eventually(async () => (await app.api('GET', `/api/blasts/${id}`)).body.state === 'completed', 60_000);
  return id;
}

/** Every reply the simulated phones sent to this blast's messages (told apart by text) has arrived in the inbox. */
async function allRepliesIn(blastId: number, prefix: string) {
  return eventually(async () => {
    const sim = app.simulator!.messages().filter((m) => m.replied && m.replyText && m.text.startsWith(prefix));
    const inbox = (await app.api<ReplyList>('GET', `/api/replies?blast_id=${blastId}&limit=500`)).body;
    return sim.length > 0 && inbox.total === sim.length ? { sim, inbox } : null;
  }, 30_000) as Promise<{ sim: SimMessage[]; inbox: ReplyList }>;
}

const funnelOf = async (id: number) => (await app.api('GET', `/api/blasts/${id}/report`)).body;

beforeAll(async () => {
  app = await startTestApp({ POLL_MODE: 'off' }, { replyProbability: 0.5, replyWithoutReadProbability: 0.1 });
  launch = await sendBlast({
    message: 'Hi {{name|there}}, the launch is on',
    blast_tag: 'Launch',
    follow_up_stage: 'Initial',
    recipients: launchPhones.map((phone, i) => ({ phone, name: `Customer ${i}` })),
  });
  // Every launch reply in before the promo goes out, so none is matched to the later send.
  await allRepliesIn(launch, 'Hi ');
  promo = await sendBlast({ message: 'Promo for {{phone}}', blast_tag: 'Promo', follow_up_stage: 'Follow-up 1', recipients: promoPhones });
  await allRepliesIn(promo, 'Promo ');
});
afterAll(async () => app?.close());

describe('replies inbox', () => {
  it('lists every reply of a blast with its text, name, and the message sent', async () => {
    const { sim, inbox } = await allRepliesIn(launch, 'Hi ');
    const byPhone = new Map<string, ReplyView>(inbox.replies.map((r) => [digits(r.phone), r]));
    for (const m of sim) {
      const r = byPhone.get(digits(m.to));
      expect(r, `reply of ${m.to}`).toBeTruthy();
      expect(r?.text).toBe(m.replyText);
      expect(r?.sent_message).toBe(m.text);
      expect(r).toMatchObject({ blast_id: launch, blast_tag: 'Launch', follow_up_stage: 'Initial', status: 'REPLIED', closed_at: null });
      expect(r?.name).toBe(`Customer ${launchPhones.findIndex((p) => digits(p) === digits(m.to))}`);
    }
    const times = inbox.replies.map((r) => Date.parse(r.received_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('closing from the inbox moves the funnel; reopen moves it back', async () => {
    const { inbox } = await allRepliesIn(launch, 'Hi ');
    const target = inbox.replies[0]!;
    const before = await funnelOf(launch);
    const closed = await app.api('POST', `/api/recipients/${target.recipient_id}/close`, { outcome: 'won', note: 'paid by transfer' });
    expect(closed.status).toBe(200);
    expect(closed.body.recipient).toMatchObject({ status: 'CLOSED', close_outcome: 'won', close_note: 'paid by transfer' });
    expect(await funnelOf(launch)).toMatchObject({ closed: before.closed + 1, replied: before.replied });
    const row = (await app.api<ReplyList>('GET', `/api/replies?blast_id=${launch}&limit=500`)).body.replies.find((r) => r.id === target.id);
    expect(row).toMatchObject({ status: 'CLOSED', outcome: 'won', note: 'paid by transfer' });
    const open = (await app.api<ReplyList>('GET', `/api/replies?blast_id=${launch}&open=true&limit=500`)).body;
    expect(open.replies.some((r) => r.recipient_id === target.recipient_id)).toBe(false);
    expect(open.total).toBe(inbox.total - inbox.replies.filter((r) => r.recipient_id === target.recipient_id).length);

    expect((await app.api('POST', `/api/recipients/${target.recipient_id}/close`, { outcome: 'maybe' })).status).toBe(400);
    const reopened = await app.api('POST', `/api/recipients/${target.recipient_id}/reopen`);
    expect(reopened.body.recipient).toMatchObject({ status: 'REPLIED', closed_at: null, close_outcome: null });
    expect(await funnelOf(launch)).toMatchObject({ closed: before.closed, replied: before.replied, read: before.read });
    expect((await app.api('POST', `/api/recipients/${target.recipient_id}/reopen`)).status).toBe(409);
  });

  it('filters by blast, tag, stage, date and searches by number or text', async () => {
    const promoIn = await allRepliesIn(promo, 'Promo ');
    const all = (await app.api<ReplyList>('GET', '/api/replies?limit=500')).body;
    expect(all.total).toBeGreaterThan(promoIn.inbox.total);
    const byTag = (await app.api<ReplyList>('GET', '/api/replies?tag=Promo&limit=500')).body;
    expect(byTag.replies.map((r) => r.id).sort()).toEqual(promoIn.inbox.replies.map((r) => r.id).sort());
    const byStage = (await app.api('GET', `/api/replies?stage=${encodeURIComponent('Follow-up 1')}&limit=500`)).body;
    expect(byStage.total).toBe(promoIn.inbox.total);
    const one = promoIn.inbox.replies[0]!;
    const local = `0${one.phone.slice(3, 5)}-${one.phone.slice(5, 8)} ${one.phone.slice(8)}`; // 013-400 0041
    const byNumber = (await app.api<ReplyList>('GET', `/api/replies?q=${encodeURIComponent(local)}`)).body;
    expect(byNumber.replies.length).toBeGreaterThan(0);
    expect(byNumber.replies.every((r) => r.phone === one.phone)).toBe(true);
    const word = one.text.split(/\s+/).find((w) => w.length > 3) ?? one.text;
    const byText = (await app.api<ReplyList>('GET', `/api/replies?q=${encodeURIComponent(word)}&limit=500`)).body;
    expect(byText.replies.length).toBeGreaterThan(0);
    expect(byText.replies.every((r) => r.text.toLowerCase().includes(word.toLowerCase()))).toBe(true);
    // LIKE wildcards are literal: '%' matches only a reply containing '%'.
    expect((await app.api('GET', '/api/replies?q=%25')).body.total).toBe(all.replies.filter((r) => r.text.includes('%')).length);
    expect((await app.api('GET', '/api/replies?from=2999-01-01')).body.total).toBe(0);
    expect((await app.api('GET', '/api/replies?to=2000-01-01T00:00:00Z')).body.total).toBe(0);
    expect((await app.api('GET', '/api/replies?tz=Mars/Olympus')).status).toBe(400);
  });

  it('lists a reply that matched no recipient, with blast null', async () => {
    const stranger = '+60135550199';
    const res = await app.api('POST', `/webhooks/wsapme?token=${encodeURIComponent(app.config.webhookSecret!)}`, {
      event: 'message',
      from: stranger,
      message: 'who is this?',
    });
    expect(res.status).toBe(200);
    const found = await eventually(async () => (await app.api('GET', '/api/replies?q=0135550199')).body.replies[0]);
    expect(found).toMatchObject({ phone: stranger, blast_id: null, recipient_id: null, text: 'who is this?', sent_message: null });
  });

  it('the contact timeline shows every message to a number across blasts, its replies and its opt-out', async () => {
    const phone = promoPhones[0]!; // in both blasts
    await app.api('POST', `/webhooks/wsapme?token=${encodeURIComponent(app.config.webhookSecret!)}`, {
      event: 'message',
      from: phone,
      message: 'STOP',
    });
    const t = (await eventually(async () => {
      const body = (await app.api<ContactTimeline>('GET', `/api/contacts/${encodeURIComponent(`0${phone.slice(3)}`)}`)).body;
      return body.opted_out ? body : null;
    }))!;
    expect(t.phone).toBe(phone);
    expect(t.messages.map((m) => m.blast_id)).toEqual([launch, promo]);
    expect(t.messages[0]).toMatchObject({ blast_tag: 'Launch', follow_up_stage: 'Initial', text: `Hi ${t.name}, the launch is on` });
    expect(t.messages[1]).toMatchObject({ blast_tag: 'Promo', text: `Promo for ${phone}` });
    for (const m of t.messages) expect(m.sent_at).toBeTruthy();
    expect(t.replies.map((r) => r.text)).toContain('STOP');
    expect(t.opted_out?.reason).toContain('STOP');
    expect((await app.api('GET', '/api/contacts/not-a-number')).status).toBe(400);
    const nobody = (await app.api('GET', '/api/contacts/+60135550100')).body;
    expect(nobody).toMatchObject({ messages: [], replies: [], opted_out: null });
  });
});

/** The oracle: the same funnel computed by scanning every recipient. */
const scanByBlast = (key: 'follow_up_stage' | 'tag' | 'device') => rows<Record<string, unknown>>(app.db.db, funnelScanByBlast(key));

async function scanByDay(tz: string, from?: string, to?: string) {
  const days = await rows<{ key: string }>(app.db.db, funnelScanByDay(tz));
  return days.filter((d) => !(from && d.key < from) && !(to && d.key > to));
}

const counts = (g: FunnelGroup) => ({ key: g.key, sent: g.sent, received: g.received, read: g.read, replied: g.replied, closed: g.closed });

describe('reports across blasts', () => {
  beforeAll(async () => {
    // A few closes, so every stage has people in it.
    const { replies } = (await app.api('GET', `/api/replies?blast_id=${launch}&limit=3`)).body;
    for (const r of replies) await app.api('POST', `/api/recipients/${r.recipient_id}/close`, { outcome: 'lost' });
    // Spread the stage times over several days and hours (one UPDATE, through the triggers) so
    // days differ between time zones.
    await app.db.db.execute(sql`UPDATE blast_recipients SET
        sent_at = sent_at - (id % 9) * interval '7 hours', delivered_at = delivered_at - (id % 9) * interval '7 hours' + interval '20 minutes',
        read_at = read_at - (id % 9) * interval '7 hours' + interval '3 hours', replied_at = replied_at - (id % 5) * interval '11 hours',
        closed_at = closed_at + interval '1 day'`);
  });

  it('by follow-up stage, tag and device equals a scan of the recipients', async () => {
    for (const key of ['follow_up_stage', 'tag', 'device'] as const) {
      const res = await app.api('GET', `/api/reports/funnel?group_by=${key}`);
      expect(res.status).toBe(200);
      const oracle = await scanByBlast(key);
      expect(res.body.groups.map(counts)).toEqual(oracle);
    }
    const { body } = await app.api<FunnelReport>('GET', '/api/reports/funnel?group_by=tag');
    const launchRow = body.groups.find((g) => g.key === 'Launch')!;
    expect(launchRow.closed).toBe(3);
    expect(launchRow.rates.read).toBe(Math.round((launchRow.read / launchRow.received) * 10_000) / 10_000);
  });

  it('by day equals a scan grouped by day in the time zone asked, with date bounds', async () => {
    for (const tz of ['America/New_York', 'Asia/Kuala_Lumpur', 'UTC']) {
      const res = await app.api('GET', `/api/reports/funnel?group_by=day&tz=${encodeURIComponent(tz)}`);
      expect(res.status).toBe(200);
      expect(res.body.groups.map(counts)).toEqual(await scanByDay(tz));
    }
    const ny = await scanByDay('America/New_York');
    expect(ny.length).toBeGreaterThan(2);
    const from = ny[1]!.key;
    const to = ny[ny.length - 2]!.key;
    const bounded = await app.api('GET', `/api/reports/funnel?group_by=day&tz=America/New_York&from=${from}&to=${to}`);
    expect(bounded.body.groups.map(counts)).toEqual(await scanByDay('America/New_York', from, to));
  });

  it('reopen takes the close back out of the day report too', async () => {
    const { replies } = (await app.api('GET', `/api/replies?blast_id=${launch}&limit=1`)).body;
    await app.api('POST', `/api/recipients/${replies[0].recipient_id}/reopen`);
    const res = await app.api('GET', '/api/reports/funnel?group_by=day&tz=Asia/Kuala_Lumpur');
    expect(res.body.groups.map(counts)).toEqual(await scanByDay('Asia/Kuala_Lumpur'));
    expect(res.body.total.closed).toBe(2);
  });

  it('exports CSV and refuses an unknown zone or grouping', async () => {
    const csv = await app.api('GET', '/api/reports/funnel?group_by=tag&format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string).trim().split('\n');
    expect(lines[0]).toBe('tag,sent,received,read,replied,closed,rate_received,rate_read,rate_replied,rate_closed');
    const oracle = await scanByBlast('tag');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual(
      oracle.map((o) => [o.key, o.sent, o.received, o.read, o.replied, o.closed].join(',')),
    );
    expect((await app.api('GET', '/api/reports/funnel?group_by=day&tz=Nowhere/Land')).status).toBe(400);
    expect((await app.api('GET', '/api/reports/funnel?group_by=colour')).status).toBe(400);
  });
});
