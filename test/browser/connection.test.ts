/**
 * The Connection page in headless Chromium against the whole app in-process (PGlite in memory, the
 * WSAPME simulator): the checks with their marks, the webhook URL masked then revealed and copied,
 * a test message sent to one's own number (the simulator's tally says it arrived once), a held
 * device resumed. Screenshots go to docs/screenshots/connection-*.png.
 */
import { expect, it } from 'vitest';
import { screenshot, screenshots, setUpApp, setUpBrowser } from './support/harness.ts';

const SECRET = 'browser-connection-secret-42';

const h = setUpBrowser();
const t = setUpApp({
  env: { SEND_RATE: '50', SEND_BURST: '5', WEBHOOK_SECRET: SECRET },
  simulator: { seed: 11, latencyMs: 5, latencyJitterMs: 5, deliverDelayMs: [20, 100], readDelayMs: [50, 200], stopProbability: 0 },
});

it('shows the checks and the masked URL, reveals and copies it, sends a test message, resumes a held device', async () => {
  const page = await h.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await page.goto(`${t.url}/#/`);
  await page.getByRole('link', { name: 'Connection' }).click();
  await page.getByRole('heading', { name: 'Connection', level: 1 }).waitFor();

  // Every check is there with its mark; against the simulator nothing is a problem.
  await page.getByText('No problem found.').waitFor();
  for (const [id, mark] of [
    ['mode', '✓ ok'],
    ['gateway', '✓ ok'],
    ['token', '✓ ok'],
    ['sending', '✓ ok'],
    ['last_webhook', '? unknown'],
  ] as const) {
    await expect(page.locator(`[data-check="${id}"]`).getByTestId('check-mark').textContent()).resolves.toBe(mark);
  }
  await expect(page.locator('[data-check="gateway"]').getByTestId('check-detail').textContent()).resolves.toMatch(/answered HTTP 200/);

  // The URL is masked until revealed; Copy puts the real one on the clipboard.
  const url = page.getByTestId('webhook-url');
  await expect(url.textContent()).resolves.toBe(`${t.url}/webhooks/wsapme/brow…`);
  await expect(page.getByTestId('webhook-reminder').textContent()).resolves.toContain('switch on "Enable status"');
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.getByRole('button', { name: 'Hide' }).waitFor();
  await expect(url.textContent()).resolves.toBe(`${t.url}/webhooks/wsapme/${SECRET}`);
  await page.getByRole('button', { name: 'Hide' }).click();
  await page.getByRole('button', { name: 'Reveal' }).waitFor();
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(`${t.url}/webhooks/wsapme/${SECRET}`);
  await expect(url.textContent()).resolves.toMatch(/brow…$/);

  // A test message to one's own number: one message, its id on the page, then the webhook shown raw.
  await page.getByLabel('Your phone number').fill('012-345 0099');
  await page.getByRole('button', { name: 'Send test message' }).click();
  const result = page.getByTestId('test-result');
  await result.waitFor({ timeout: 30_000 });
  await expect(result.textContent()).resolves.toMatch(/^Sent to \+60123450099 \(message id \S+\)\./);
  expect(t.app.simulator!.tally()).toEqual({ '+60123450099': 1 });
  await expect
    .poll(
      async () => {
        await page.getByRole('button', { name: 'Check again' }).click();
        return page.getByTestId('last-webhook').count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
  await expect(page.getByTestId('last-webhook').textContent()).resolves.toMatch(/^\{\n {2}"/);
  await screenshots(page, 'connection', true);

  // The token refused: the device is held; the page says so and Resume ends the hold.
  t.app.simulator!.configure({ refuseToken: true });
  await page.getByLabel('Your phone number').fill('+60123450098');
  await page.getByRole('button', { name: 'Send test message' }).click();
  await expect
    .poll(async () => result.textContent(), { timeout: 30_000 })
    .toMatch(/Not sent \(waiting\): sending is held \(auth: Unauthorised Token\)/);
  await page.getByRole('button', { name: 'Check again' }).click();
  await expect.poll(() => page.locator('[data-check="token"]').getByTestId('check-mark').textContent()).toBe('✗ problem');
  await screenshot(page, 'connection-problem-desktop');
  t.app.simulator!.configure({ refuseToken: false });
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => page.locator('[data-check="sending"]').getByTestId('check-mark').textContent(), { timeout: 20_000 }).toBe('✓ ok');
  await expect.poll(() => t.app.simulator!.tally()['+60123450098'] ?? 0, { timeout: 20_000 }).toBe(1);

  // The device's health card: today's sends, its error rate; pause and resume it by hand.
  await page.getByRole('button', { name: 'Check again' }).click();
  const card = page.locator('[data-device="5850"]');
  await expect.poll(() => card.getByTestId('health-facts').textContent()).toMatch(/Sent today2 \(no daily cap\)/);
  await expect(card.getByTestId('health-facts').textContent()).resolves.toMatch(/Error ratenot judged yet \(2 sends\) — pauses above 20%/);
  await card.getByRole('button', { name: 'Pause' }).click();
  await expect.poll(() => card.getByTestId('health-status').textContent()).toBe('paused');
  await expect(card.getByTestId('health-facts').textContent()).resolves.toContain('paused by hand');
  await screenshot(page, 'connection-health-desktop');
  await card.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => card.getByTestId('health-status').textContent()).toBe('healthy');
}, 180_000);
