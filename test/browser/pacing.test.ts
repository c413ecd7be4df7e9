/**
 * The pace on the dashboard (issue 13), in headless Chromium against the whole app in-process on an
 * injected clock: at Monday 07:00 in Kuala Lumpur with a 09:00–20:00 window, the new-blast page
 * offers the presets, and a sent blast's page says it is waiting for the window and shows the plan;
 * moved to 09:00, the blast completes by itself and the page says so.
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWablast, type WablastHandle } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { INSTALL_HINT, findChromium } from '../../scripts/chromium.mjs';
import { OffsetClock } from '../helpers/offsetClock.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MONDAY_7AM = Date.UTC(2026, 10, 29, 23, 0);

let browser: Browser;
let app: WablastHandle;
const clock = new OffsetClock(MONDAY_7AM);
const pageErrors: string[] = [];

beforeAll(async () => {
  await build({ configFile: `${ROOT}web/vite.config.ts`, logLevel: 'warn' });
  const executablePath = findChromium();
  if (!executablePath) throw new Error(INSTALL_HINT);
  browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    SEND_RATE: '30',
    SEND_BURST: '3',
    SEND_WINDOW: 'mon-sat 09:00-20:00',
  });
  app = await startWablast(config, { simulator: { seed: 3, latencyMs: 5, latencyJitterMs: 5, stopProbability: 0 }, clock });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await browser?.close();
  expect(pageErrors).toEqual([]);
});

describe('pace on the dashboard', () => {
  it('offers the presets, shows a blast waiting for its window, and its completion once the window opens', async () => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Asia/Kuala_Lumpur' });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));

    await page.goto(`${app.url}/#/new`);
    const pace = page.getByLabel('Pace');
    await expect.poll(() => pace.locator('option').first().textContent()).toBe('Device default (fast)');
    expect(await pace.locator('option').allTextContents()).toEqual(['Device default (fast)', 'Safe', 'Warm-up', 'Fast', 'Custom']);
    await pace.selectOption('fast');
    expect(await page.locator('#pacing-hint').textContent()).toContain('risks being banned');

    const res = await fetch(`${app.url}/api/blasts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Hi', recipients: ['+60123000001', '+60123000002', '+60123000003'] }),
    });
    const id = ((await res.json()) as { blast_id: number }).blast_id;
    await fetch(`${app.url}/api/blasts/${id}/send`, { method: 'POST' });

    await page.goto(`${app.url}/#/blasts/${id}`);
    const plan = page.getByTestId('pacing-plan');
    await expect.poll(() => plan.textContent()).toContain('Waiting for the send window (opens 09:00); it continues by itself.');
    expect(await plan.textContent()).toContain(
      'Pace: fast: as fast as the gateway allows (30 a second, bursts of 3), Mon–Sat 09:00–20:00 Asia/Kuala_Lumpur',
    );
    expect(await plan.textContent()).toMatch(/finishes today 09:00 because of the send window/);

    clock.advance(2 * 3_600_000);
    await expect
      .poll(() => page.getByTestId('blast-detail').getByTestId('blast-state').textContent(), { timeout: 60_000 })
      .toMatch(/completed/i);
    await page.reload();
    await expect.poll(() => plan.textContent()).not.toContain('Waiting');
    expect(Object.values(app.simulator!.tally())).toEqual([1, 1, 1]);
    await context.close();
  });
});
