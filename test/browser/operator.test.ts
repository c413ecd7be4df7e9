/**
 * Issue 16 in headless Chromium against the whole app in-process (PGlite in memory, the
 * simulator): a blast made from a CSV with names is reviewed before it goes (the count, the pace,
 * and a warning when the same people got the same text in the last 24 hours), shows progress and
 * then settles; the blast page shows names, reply texts and an "Opted out" badge for the STOP;
 * closing under the Replied filter takes the row out; "Retry failed" sends only what can succeed;
 * the list shows IDs, follow-ups under their parent and failure counts; the Opt-outs page adds,
 * imports, searches and removes; at phone width the recipients are paged and the numbers open
 * WhatsApp.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, newBlastFromCsv, screenshot, screenshots, setUpApp, setUpBrowser } from './support/harness.ts';

const NAMES = ['Aisha Rahman', 'Muthu', 'Siew Ling', 'Ravi', 'Nurul', 'Ah Kow', 'Mei', 'Farid', 'Priya', 'Hafiz', 'Wei Jie', 'Kavitha'];
// Twelve customers, and one number WhatsApp does not know (the simulator refuses numbers ending 0000).
const PEOPLE = [
  ...NAMES.map((name, i) => ({ phone: `+60126${String(700_001 + i * 13)}`, name })),
  { phone: '+60126710000', name: 'Nobody' },
];
const CSV = `phone,name\n${PEOPLE.map((p) => `${p.phone},${p.name}`).join('\n')}\n`;
// A busy machine renders slowly: wait by progress, generously.
const WAIT = { timeout: 15_000 };
const MESSAGE = 'Hi {{name}}, your loyalty voucher is ready.';

const h = setUpBrowser();
const t = setUpApp({
  env: { SEND_RATE: '3', SEND_BURST: '1' },
  // Nobody's phone acknowledges by itself: what happens after sending is what this test posts.
  simulator: {
    seed: 16,
    latencyMs: 5,
    latencyJitterMs: 5,
    deliverProbability: 0,
    replyProbability: 0,
    stopProbability: 0,
    errorProbability: 0,
  },
});
const { api, hook } = t;
let page: Page;
let blastId: number;

const table = () => page.getByTestId('recipients-table');
const shownTotal = async () => Number(((await page.getByTestId('recipients-total').textContent()) ?? '').replace(/\D/g, ''));

beforeAll(async () => {
  page = await h.newPage();
});
afterAll(async () => {
  await page?.context().close();
});

/** Fills the new-blast form with the CSV and the message, and checks the numbers. */
async function checkedLoyaltyBlast(): Promise<void> {
  await newBlastFromCsv(page, t.url, { tag: 'Loyalty', message: MESSAGE, csv: { name: 'customers.csv', text: CSV } });
  await page.getByRole('button', { name: 'Check numbers' }).click();
  await expect.poll(() => page.getByTestId('count-valid').textContent(), WAIT).toBe(String(PEOPLE.length));
}

describe('operator', () => {
  it('reviews before sending: the count and the pace; confirming sends, with progress, and the page settles', async () => {
    await checkedLoyaltyBlast();
    await page.getByRole('button', { name: 'Create & send now' }).click();
    const review = page.getByTestId('review');
    await review.waitFor();
    expect(await review.getByTestId('review-count').textContent()).toBe(String(PEOPLE.length));
    expect(await review.getByTestId('review-eta').textContent()).toMatch(/pace|Takes/);
    expect(await review.getByTestId('review-recent').count()).toBe(0);
    // Nothing is created before the confirmation.
    expect((await api('GET', '/api/blasts')).total).toBe(0);
    await screenshots(page, 'review');

    await review.getByRole('button', { name: `Send to ${PEOPLE.length} people` }).click();
    await page.getByTestId('blast-detail').waitFor();
    blastId = Number(await page.getByTestId('blast-detail').getAttribute('data-blast-id'));
    expect(await page.getByTestId('blast-id').textContent()).toBe(`#${blastId}`);
    await page.getByRole('progressbar', { name: 'Sending progress' }).waitFor();
    expect(await page.getByTestId('sending-eta').textContent()).toMatch(/left|Working out/);
    await expect
      .poll(() => page.getByTestId('blast-detail').getByTestId('blast-state').textContent(), { timeout: 30_000 })
      .toBe('Completed');
    await expect.poll(() => page.getByTestId('settled').textContent(), WAIT).toMatch(/^Finished/);
    expect(await page.getByTestId('live').count()).toBe(0);
    expect(await page.getByRole('progressbar').count()).toBe(0);
  }, 90_000);

  it('the same blast again warns that these people got this text in the last 24 hours; going back creates nothing', async () => {
    await checkedLoyaltyBlast();
    await page.getByRole('button', { name: 'Create & send now' }).click();
    // The number WhatsApp refused was never messaged: twelve, not thirteen.
    await expect
      .poll(() => page.getByTestId('review-recent').textContent(), WAIT)
      .toContain('12 of them were messaged in the last 24 hours (12 with this same text)');
    await page.getByRole('button', { name: 'Back to editing' }).click();
    await page.getByRole('button', { name: 'Create & send now' }).waitFor();
    expect((await api('GET', '/api/blasts')).total).toBe(1);
  });

  it('the blast page shows names, reply texts, and "Opted out" (never "Replied") for a STOP', async () => {
    const recipients = (await api('GET', `/api/blasts/${blastId}/recipients`)).recipients;
    const id = (name: string) => recipients.find((r: { variables: Record<string, string> }) => r.variables.name === name);
    expect((await hook({ event: 'message', from: PEOPLE[0]!.phone, message: 'Is the voucher valid in Penang?' })).status).toBe(200);
    expect((await hook({ event: 'message', from: PEOPLE[1]!.phone, message: 'STOP' })).status).toBe(200);
    // WhatsApp refuses Siew Ling's message after accepting it: a failure another try may fix.
    expect((await hook({ messageId: id('Siew Ling').message_id, status: 'ERROR' })).status).toBe(200);

    await page.goto(`${t.url}/#/blasts/${blastId}`);
    await expect
      .poll(() => table().getByTestId('recipient-reply').allTextContents(), { timeout: 15_000 })
      .toEqual(['Is the voucher valid in Penang?', 'STOP']);
    expect(await table().getByTestId('recipient-name').allTextContents()).toEqual(
      expect.arrayContaining(['Aisha Rahman', 'Muthu', 'Siew Ling']),
    );
    const muthu = table().locator(`tr[data-recipient-id="${id('Muthu').id}"]`);
    expect(await muthu.getByTestId('opted-out').textContent()).toBe('Opted out');
    expect(await muthu.getByTestId('status').count()).toBe(0);
    const aisha = table().locator(`tr[data-recipient-id="${id('Aisha Rahman').id}"]`);
    expect(await aisha.getByTestId('status').textContent()).toBe('Replied');
    expect(await aisha.getByTestId('opted-out').count()).toBe(0);
    await screenshots(page, 'blast-replies');

    // Search by name.
    await page.getByLabel('Search', { exact: true }).fill('siew');
    await expect.poll(() => table().locator('tbody tr').count(), WAIT).toBe(1);
    expect(await table().getByTestId('recipient-name').textContent()).toBe('Siew Ling');
    await page.getByLabel('Search', { exact: true }).fill('');

    // The thread is one click away.
    await aisha.getByRole('link', { name: /Conversation/ }).click();
    await expect
      .poll(() => page.getByTestId('timeline-reply').allTextContents(), WAIT)
      .toEqual([expect.stringContaining('Is the voucher valid in Penang?')]);
    await page.goBack();
  }, 60_000);

  it('closing under the Replied filter takes the row out of the view at once', async () => {
    await page.getByTestId('recipients-table').waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('REPLIED');
    await expect.poll(shownTotal, WAIT).toBe(2);
    await table().getByRole('button', { name: 'Mark Aisha Rahman closed' }).click();
    await expect.poll(shownTotal, WAIT).toBe(1);
    expect(await table().getByTestId('recipient-name').allTextContents()).toEqual(['Muthu']);
    await page.getByLabel('Status', { exact: true }).selectOption('');
  });

  it('"Retry failed" sends again only what can succeed, and says what stays failed', async () => {
    await expect.poll(() => page.getByRole('button', { name: 'Retry 2 failed' }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole('button', { name: 'Retry 2 failed' }).click();
    const confirm = page.getByTestId('confirm-retry');
    await expect.poll(() => confirm.textContent(), WAIT).toContain('Send 1 message again?');
    expect(await confirm.textContent()).toContain('1 stays failed');
    await confirm.getByRole('button', { name: 'Yes, retry 1' }).click();
    await expect.poll(() => page.locator('.notice').textContent(), WAIT).toContain('1 message queued again');
    await expect.poll(async () => (await api('GET', `/api/blasts/${blastId}/report`)).failed, { timeout: 20_000 }).toBe(1);
    expect(t.app.simulator!.tally()[PEOPLE[2]!.phone]).toBe(2);
    expect(t.app.simulator!.tally()[PEOPLE[12]!.phone] ?? 0).toBeLessThanOrEqual(1);
  }, 40_000);

  it('the list shows IDs, follow-ups under their blast with what they are, and failures', async () => {
    const follow = await api('POST', `/api/blasts/${blastId}/follow-up`, {
      segment: 'not_replied',
      message: 'Any questions, {{name}}?',
      follow_up_stage: 'Follow-up 1',
    });
    await page.goto(`${t.url}/#/`);
    const parent = page.getByTestId('blast-list').locator(`> li[data-blast-id="${blastId}"]`);
    await parent.waitFor();
    expect(await page.getByTestId('blast-list').locator('> li').count()).toBe(1);
    expect(await parent.getByTestId('blast-item-id').first().textContent()).toBe(`#${blastId}`);
    await expect.poll(() => parent.getByTestId('blast-item-trouble').first().textContent(), WAIT).toBe('1 failed');
    const child = parent.locator(`li[data-blast-id="${follow.blast_id}"]`);
    expect(await child.getByTestId('blast-item-id').textContent()).toBe(`#${follow.blast_id}`);
    expect(await child.getByTestId('blast-item-follow-up-of').textContent()).toBe(`Follow-up 1 of #${blastId} · Not replied`);
    await screenshots(page, 'blast-list-follow-ups');
  });

  it('the Opt-outs page lists where each came from, adds, imports, searches and removes', async () => {
    await page.getByRole('link', { name: 'Opt-outs' }).click();
    const item = (phone: string) => page.locator(`[data-testid="optout"][data-phone="${phone}"]`);
    await item(PEOPLE[1]!.phone).waitFor();
    expect(await item(PEOPLE[1]!.phone).getByTestId('optout-source').textContent()).toBe('Replied STOP');

    await page.getByLabel('Phone number').fill('012-555 0101');
    await page.getByLabel(/^Reason/).fill('asked at the counter');
    await page.getByRole('button', { name: 'Add opt-out' }).click();
    await expect.poll(() => item('+60125550101').getByTestId('optout-source').textContent(), WAIT).toBe('Added by hand');

    await page.locator('#optout-file').setInputFiles({
      name: 'old-list.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('phone\n+60125550102\n012-555 0103\nnot a number\n'),
    });
    await expect
      .poll(() => page.getByTestId('optout-import-result').textContent(), WAIT)
      .toMatch(/^2 opted out, 1 invalid \(line 4: not a number\)/);
    await expect.poll(() => page.getByTestId('optouts-total').textContent(), WAIT).toBe('4 numbers');
    expect(await item('+60125550103').getByTestId('optout-source').textContent()).toBe('Imported');
    await screenshots(page, 'opt-outs');

    await page.getByRole('search').getByLabel('Search').fill('5550103');
    await expect.poll(() => page.getByTestId('optout').count(), WAIT).toBe(1);
    await page.getByRole('search').getByLabel('Search').fill('');
    await expect.poll(() => page.getByTestId('optout').count(), WAIT).toBe(4);
    await item('+60125550101').getByRole('button', { name: 'Remove +60125550101 from opt-outs' }).click();
    await expect.poll(() => page.getByTestId('optout').count(), WAIT).toBe(3);
    expect((await api('GET', '/api/opt-outs')).opt_outs.map((o: { phone_number: string }) => o.phone_number)).not.toContain('+60125550101');
    // A STOP is not removed on one click: the person asked to stop.
    await item(PEOPLE[1]!.phone)
      .getByRole('button', { name: `Remove ${PEOPLE[1]!.phone} from opt-outs` })
      .click();
    await expect.poll(() => item(PEOPLE[1]!.phone).getByRole('alert').textContent(), WAIT).toContain('replied STOP');
    expect((await api('GET', '/api/opt-outs')).total).toBe(3);
  });

  it('at phone width the recipients come a page at a time and each number opens WhatsApp', async () => {
    const phone = await h.newPage({ viewport: PHONE });
    await phone.goto(`${t.url}/#/blasts/${blastId}`);
    const rows = phone.getByTestId('recipients-table').locator('tbody tr');
    await expect.poll(() => rows.count(), WAIT).toBe(10);
    expect(await phone.getByTestId('pagination-text').first().textContent()).toBe(`1–10 of ${PEOPLE.length}`);
    const link = rows.first().getByTestId('wa-link');
    expect(await link.getAttribute('href')).toBe(`https://wa.me/${PEOPLE[0]!.phone.slice(1)}`);
    await phone.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => rows.count(), WAIT).toBe(PEOPLE.length - 10);
    await screenshot(phone, 'blast-paged-phone');
    await phone.context().close();
  });
});
