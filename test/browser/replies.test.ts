/**
 * The Replies, Contact and Reports pages in headless Chromium against the whole app in-process
 * (PGlite in memory, the simulator with every phone replying): the inbox shows each reply's text,
 * closing from it (with an outcome) moves the blast's funnel, undo moves it back, the contact
 * timeline and the reports render. Screenshots go to docs/screenshots/.
 */
import { beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/testApp.ts';
import { screenshot, sendBlast, setUpApp, setUpBrowser } from './support/harness.ts';

const PHONES = Array.from({ length: 6 }, (_, i) => `+6017${String(5_123_457 + i * 11)}`);

const h = setUpBrowser();
const t = setUpApp({
  env: { SEND_RATE: '50', SEND_BURST: '5' },
  simulator: {
    seed: 11,
    latencyMs: 5,
    deliverDelayMs: [20, 80],
    readDelayMs: [20, 80],
    replyDelayMs: [50, 200],
    deliverProbability: 1,
    readProbability: 1,
    replyProbability: 1,
    stopProbability: 0,
    errorProbability: 0,
  },
});
const api = t.api;
let blastId: number;

beforeAll(async () => {
  blastId = await sendBlast(t, {
    message: 'Hi {{name}}, your order is ready',
    blast_tag: 'Orders',
    follow_up_stage: 'Initial',
    recipients: PHONES.map((phone, i) => ({ phone, name: `Buyer ${i + 1}` })),
  });
  await eventually(async () => (await api('GET', `/api/replies?blast_id=${blastId}`)).total === PHONES.length, 60_000);
}, 180_000);

it('the Replies page shows every reply text; closing from it moves the funnel, and undo moves it back', async () => {
  const page = await h.newPage();
  await page.goto(`${t.url}/#/replies`);
  const texts = t.app.simulator!.messages().map((m) => m.replyText!);
  await expect
    .poll(async () => (await page.getByTestId('reply-text').allTextContents()).sort(), { timeout: 20_000 })
    .toEqual([...texts].sort());
  await expect.poll(() => page.getByTestId('replies-live').textContent(), { timeout: 20_000 }).toContain('Live');
  await screenshot(page, 'replies-desktop', false);

  const first = page.getByTestId('reply').first();
  const recipientId = Number(await first.getAttribute('data-recipient'));
  await first.getByLabel('Outcome').selectOption('won');
  await first.getByLabel('Note').fill('Collected in store');
  await first.getByRole('button', { name: 'Mark closed' }).click();
  await expect.poll(async () => (await api('GET', `/api/blasts/${blastId}/report`)).closed, { timeout: 10_000 }).toBe(1);
  // "Not yet closed" is on by default: the closed reply leaves the list.
  await expect.poll(() => page.getByTestId('reply').count(), { timeout: 10_000 }).toBe(PHONES.length - 1);
  const recipient = (await api('GET', `/api/blasts/${blastId}/recipients`)).recipients.find((r: { id: number }) => r.id === recipientId);
  expect(recipient).toMatchObject({ status: 'CLOSED', close_outcome: 'won', close_note: 'Collected in store' });

  // The blast page's funnel shows it too.
  await page.goto(`${t.url}/#/blasts/${blastId}`);
  await expect.poll(async () => (await page.getByTestId('funnel-closed').textContent())?.replace(/\D/g, ''), { timeout: 10_000 }).toBe('1');

  await page.goto(`${t.url}/#/replies`);
  await page.getByLabel('Not yet closed').uncheck();
  const closedCard = page.locator(`[data-testid="reply"][data-recipient="${recipientId}"]`);
  await expect.poll(() => closedCard.getByText('Won').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  await closedCard.getByRole('button', { name: 'Undo close' }).click();
  await expect.poll(async () => (await api('GET', `/api/blasts/${blastId}/report`)).closed, { timeout: 10_000 }).toBe(0);
  expect((await api('GET', `/api/blasts/${blastId}/report`)).replied).toBe(PHONES.length);
  await page.close();
});

it('a new reply appears live, and the contact timeline shows what was sent and the replies', async () => {
  const page = await h.newPage();
  await page.goto(`${t.url}/#/replies`);
  await expect.poll(() => page.getByTestId('replies-live').textContent(), { timeout: 20_000 }).toContain('Live');
  const hook = await t.hook({ event: 'message', from: PHONES[2], message: 'Can I pick it up tomorrow?' });
  expect(hook.status).toBe(200);
  await expect.poll(() => page.getByTestId('reply-text').first().textContent(), { timeout: 15_000 }).toBe('Can I pick it up tomorrow?');
  await page.goto(`${t.url}/#/contacts/${encodeURIComponent(PHONES[2]!)}`);
  await expect.poll(() => page.getByTestId('timeline-sent').count(), { timeout: 10_000 }).toBe(1);
  await expect.poll(() => page.getByTestId('timeline-sent').first().textContent()).toContain('Hi Buyer 3, your order is ready');
  expect(await page.getByTestId('timeline-reply').count()).toBeGreaterThan(0);
  await page.close();
});

it('the Reports page shows the funnel per stage and a chart per day', async () => {
  const page = await h.newPage();
  await page.goto(`${t.url}/#/reports`);
  const table = page.getByTestId('report-table');
  await expect.poll(() => table.getByRole('row', { name: /Initial/ }).textContent(), { timeout: 10_000 }).toContain(String(PHONES.length));
  const chart = page.getByTestId('stage-chart');
  await expect
    .poll(async () => (await chart.locator('.recharts-legend-item').allTextContents()).sort(), { timeout: 10_000 })
    .toEqual(['Closed', 'Read', 'Received', 'Replied', 'Sent']);
  expect(await chart.locator('svg .recharts-line').count()).toBe(5);
  await screenshot(page, 'reports-desktop');
  await page.close();
});
