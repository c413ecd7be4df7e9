/**
 * The blast page's sequence panel in headless Chromium against the whole app in-process (PGlite
 * in memory, the simulator, the engine on an injected clock): a person adds a two-step sequence,
 * sees when step 1 is due, the clock moves a day and step 1 becomes a blast with its counts and
 * the chain report, pause and resume work, and a created step is shown as sent, not editable.
 * Screenshot: docs/screenshots/sequence-desktop.png.
 */
import { beforeAll, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../src/util/clock.ts';
import { eventually } from '../helpers/testApp.ts';
import { screenshot, sendBlast, setUpApp, setUpBrowser } from './support/harness.ts';

const PHONES = Array.from({ length: 5 }, (_, i) => `+6017${String(6_123_457 + i * 13)}`);

let offset = 0;
const clock: Clock = { now: () => Date.now() + offset, sleep: systemClock.sleep };

const h = setUpBrowser();
const t = setUpApp({
  env: { SEND_RATE: '50', SEND_BURST: '5' },
  simulator: {
    seed: 12,
    latencyMs: 5,
    deliverDelayMs: [5, 20],
    deliverProbability: 1,
    readProbability: 0,
    replyProbability: 0,
    replyWithoutReadProbability: 0,
    errorProbability: 0,
  },
  clock,
});
const api = t.api;
let blastId: number;

beforeAll(async () => {
  blastId = await sendBlast(t, {
    message: 'Hi {{name}}, the sale starts today',
    blast_tag: 'Sale',
    follow_up_stage: 'Initial',
    recipients: PHONES.map((phone, i) => ({ phone, name: `Buyer ${i + 1}` })),
  });
  await eventually(async () => (await api('GET', `/api/blasts/${blastId}`)).state === 'completed', 60_000);
}, 180_000);

it('adds a two-step sequence, shows step 1 due, then created as a blast with the chain report; pause and resume', async () => {
  const page = await h.newPage();
  await page.goto(`${t.url}/#/blasts/${blastId}`);
  const panel = page.getByTestId('sequence-panel');
  await panel.getByRole('button', { name: 'Add a sequence' }).click();

  // An empty message is caught before anything is sent.
  await panel.getByRole('button', { name: 'Start the sequence' }).click();
  await expect.poll(() => panel.getByText('Write the message of this step.').count()).toBe(1);

  await panel.getByLabel('Who gets it').selectOption('not_replied');
  await panel.getByLabel('After').fill('1');
  await panel.getByLabel('Message').fill('Any questions, {{name|there}}?');
  await panel.getByRole('button', { name: 'Add a step' }).click();
  const second = panel.getByTestId('sequence-step-editor').nth(1);
  await second.getByLabel('Who gets it').selectOption('received_not_read');
  await second.getByLabel('After').fill('36');
  await second.getByLabel('Step 2 delay unit').selectOption('hours');
  await second.getByLabel('Message').fill('Last call, {{name|friend}}');
  await panel.getByRole('button', { name: 'Start the sequence' }).click();

  await expect.poll(() => panel.getByTestId('sequence-step').count(), { timeout: 10_000 }).toBe(2);
  await expect.poll(() => panel.getByTestId('sequence-state').textContent()).toBe('running');
  const seq = await api('GET', `/api/blasts/${blastId}/sequence`);
  expect(
    seq.steps.map((s: { segment: string; delay_seconds: number; follow_up_stage: string }) => [
      s.segment,
      s.delay_seconds,
      s.follow_up_stage,
    ]),
  ).toEqual([
    ['not_replied', 86_400, 'Follow-up 1'],
    ['received_not_read', 129_600, 'Follow-up 2'],
  ]);
  await expect.poll(async () => panel.getByTestId('sequence-step').first().textContent(), { timeout: 10_000 }).toContain('Due ');
  await expect.poll(() => panel.getByTestId('sequence-members').textContent()).toContain(`${PHONES.length} of ${PHONES.length} still in`);

  // Pause, resume.
  await panel.getByRole('button', { name: 'Pause sequence' }).click();
  await expect.poll(() => panel.getByTestId('sequence-state').textContent()).toBe('paused');
  await panel.getByRole('button', { name: 'Resume sequence' }).click();
  await expect.poll(() => panel.getByTestId('sequence-state').textContent()).toBe('running');

  // A day passes on the engine's clock: step 1 becomes a blast.
  const due = (await api('GET', `/api/blasts/${blastId}/sequence`)).steps[0].due_at as string;
  offset = new Date(due).getTime() + 1000 - Date.now();
  await expect.poll(() => panel.getByTestId('sequence-step').first().getAttribute('data-state'), { timeout: 20_000 }).toBe('created');
  const step1 = (await api('GET', `/api/blasts/${blastId}/sequence`)).steps[0];
  await eventually(async () => (await api('GET', `/api/blasts/${step1.blast_id}`)).state === 'completed', 30_000);
  await expect
    .poll(async () => panel.getByTestId('sequence-step').first().textContent(), { timeout: 10_000 })
    .toContain(`${PHONES.length} sent`);
  await expect.poll(() => panel.getByTestId('chain-stage').count(), { timeout: 10_000 }).toBe(2);

  // In the editor the created step is history; the next one is editable.
  await panel.getByRole('button', { name: 'Edit steps' }).click();
  await expect.poll(() => panel.getByText('Step 1 · sent').count()).toBe(1);
  await expect.poll(() => panel.getByTestId('sequence-step-editor').count()).toBe(1);
  await panel.getByTestId('sequence-step-editor').getByLabel('Message').fill('Last call, {{name|friend}}, 20% off');
  await panel.getByRole('button', { name: 'Save steps' }).click();
  await expect
    .poll(async () => (await api('GET', `/api/blasts/${blastId}/sequence`)).steps[1].message)
    .toBe('Last call, {{name|friend}}, 20% off');
  await screenshot(page, 'sequence-desktop');
});
