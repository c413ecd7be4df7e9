/**
 * Message variation end to end (issue 13): spintax is rendered per recipient at send time, the
 * texts that reach the gateway vary, each is exactly what the dry run and the shared renderer say,
 * a resend repeats the same text, and malformed spintax is refused at the edge.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { renderTemplate } from '../../src/domain/template.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

const TEMPLATE = '{Hi|Hello|Hey} {{name|there}}, {our|the} {June {sale|promo}|big sale} is on{!|.}';
const phones = Array.from({ length: 40 }, (_, i) => `+6012${String(4_100_001 + i * 13)}`);
const recipients = phones.map((phone, i) => (i % 2 === 0 ? { phone, name: `Buyer ${i}` } : phone));
const varsOf = (phone: string): Record<string, string> => {
  const r = recipients[phones.indexOf(phone)];
  return typeof r === 'object' ? { name: r.name } : {};
};

let app: TestApp;
beforeAll(async () => {
  // Sends that time out are UNCERTAIN: they did reach the gateway, and a resend sends them again.
  // No replies: a reply would settle an UNCERTAIN recipient before the resend.
  app = await startTestApp(
    { WSAPME_TIMEOUT_MS: '2000' /* far from the 5 s hang, far above a loaded machine's answer */, IDENTICAL_TEXT_WARN_AT: '10' },
    { timeoutProbability: 0.25, hangMs: 5_000, replyProbability: 0 },
  );
});
afterAll(async () => {
  await app?.close();
});

async function waitDone(id: number) {
  await eventually(async () => (await app.api('GET', `/api/blasts/${id}`)).body.state === 'completed', 60_000);
}

describe('spintax at send time', () => {
  it('the dry run counts the distinct texts and shows some; the sent texts vary and match them; a resend repeats each text', async () => {
    const dry = await app.api('POST', '/api/blasts', { message: TEMPLATE, recipients, dry_run: true });
    expect(dry.status).toBe(200);
    const variation = dry.body.variation;
    expect(variation.possible).toBe(3 * 2 * 3 * 2);
    expect(variation.distinct).toBeGreaterThan(10);
    expect(variation.samples).toHaveLength(5);
    expect(variation.warning).toBeNull();

    const created = await app.api('POST', '/api/blasts', { message: TEMPLATE, recipients });
    expect(created.status).toBe(201);
    const id = created.body.blast_id as number;
    await app.api('POST', `/api/blasts/${id}/send`);
    await waitDone(id);

    const sent = app.simulator!.messages();
    expect(new Set(sent.map((m) => m.to))).toEqual(new Set(phones));
    const first = new Map(sent.map((m) => [m.to, m.text]));
    // The texts vary, each is what the one renderer gives that number, and the dry run showed the same.
    expect(new Set(first.values()).size).toBe(variation.distinct);
    for (const [phone, text] of first) {
      expect(text).toMatch(/^(Hi|Hello|Hey) (Buyer \d+|there), (our|the) (June (sale|promo)|big sale) is on[!.]$/);
      expect(text).toBe(renderTemplate(TEMPLATE, { ...varsOf(phone), phone }, phone));
    }
    for (const s of variation.samples) expect(first.get(s.phone)).toBe(s.text);

    const uncertain = await rows<{ phone_number: string }>(
      app.db.db,
      sql`SELECT phone_number FROM blast_recipients WHERE blast_id = ${id} AND status = 'UNCERTAIN'`,
    );
    expect(uncertain.length).toBeGreaterThan(0);
    app.simulator!.configure({ timeoutProbability: 0 });
    const resend = await app.api('POST', `/api/blasts/${id}/resend`, { statuses: ['UNCERTAIN'] });
    expect(resend.body).toMatchObject({ requeued: uncertain.length });
    await waitDone(id);
    for (const { phone_number } of uncertain) {
      const texts = app
        .simulator!.messages()
        .filter((m) => m.to === phone_number)
        .map((m) => m.text);
      expect(texts).toHaveLength(2);
      expect(texts[1]).toBe(texts[0]);
    }

    // The contact timeline shows the text that number got.
    const timeline = await app.api('GET', `/api/contacts/${encodeURIComponent(phones[0]!)}`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.messages.map((m: { text: string }) => m.text)).toEqual([first.get(phones[0]!)]);
  });

  it('warns when one identical text would go to more numbers than IDENTICAL_TEXT_WARN_AT at a safe pace, not at `fast`', async () => {
    const plain = await app.api('POST', '/api/blasts', {
      message: 'Big sale today',
      recipients: phones,
      dry_run: true,
      pacing_preset: 'safe',
    });
    expect(plain.body.variation).toMatchObject({ distinct: 1, largest_identical: 40, possible: 1 });
    expect(plain.body.variation.warning).toMatch(/^40 numbers would get the very same text \(more than 10\)/);
    // The simulator's default pace is `fast`: a knowing choice of speed, so no warning.
    const fast = await app.api('POST', '/api/blasts', { message: 'Big sale today', recipients: phones, dry_run: true });
    expect(fast.body.plan.preset).toBe('fast');
    expect(fast.body.variation.warning).toBeNull();
    const varied = await app.api('POST', '/api/blasts', {
      message: '{Big|Huge|Great} {sale|promo|deal} {today|now|this week}',
      recipients: phones,
      dry_run: true,
      pacing_preset: 'safe',
    });
    expect(varied.body.variation.warning).toBeNull();
    expect(varied.body.variation.largest_identical).toBeLessThanOrEqual(10);
  });
});

describe('malformed spintax is refused with a clear 400', () => {
  it.each([
    ['Hi {there', /never closed/],
    ['Hi there}', /has no "\{" before it/],
    ['Hi {name}, welcome', /one option.*\{\{name\}\}/],
  ])('%j', async (message, why) => {
    const before = (await rows<{ n: number }>(app.db.db, sql`SELECT count(*)::int AS n FROM blasts`))[0]!.n;
    const res = await app.api('POST', '/api/blasts', { message, recipients: [phones[0]] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details[0]).toMatchObject({ field: 'message' });
    expect(res.body.error.message).toMatch(why);

    const form = new FormData();
    form.append('message', message);
    form.append('file', new Blob([`phone\n${phones[0]}\n`], { type: 'text/csv' }), 'r.csv');
    const upload = await fetch(`${app.url}/api/blasts/upload`, { method: 'POST', body: form });
    expect(upload.status).toBe(400);
    expect(((await upload.json()) as { error: { message: string } }).error.message).toMatch(why);
    expect((await rows<{ n: number }>(app.db.db, sql`SELECT count(*)::int AS n FROM blasts`))[0]!.n).toBe(before);
  });

  it('the escapes send literal braces', async () => {
    const res = await app.api('POST', '/api/blasts', { message: 'Code \\{SAVE10\\} {now|today}', recipients: [phones[0]], dry_run: true });
    expect(res.status).toBe(200);
    expect(res.body.variation.samples[0].text).toMatch(/^Code \{SAVE10\} (now|today)$/);
  });
});
