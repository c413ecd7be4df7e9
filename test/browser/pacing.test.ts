/**
 * The pace on the dashboard (issue 13), in headless Chromium against the whole app in-process on an
 * injected clock: at Monday 07:00 in Kuala Lumpur with a 09:00–20:00 window, the new-blast page
 * offers the presets, and a sent blast's page says it is waiting for the window and shows the plan;
 * moved to 09:00, the blast completes by itself and the page says so.
 */
import { describe, expect, it } from 'vitest';
import { OffsetClock } from '../helpers/offsetClock.ts';
import { sendBlast, setUpApp, setUpBrowser } from './support/harness.ts';

const MONDAY_7AM = Date.UTC(2026, 10, 29, 23, 0);
const clock = new OffsetClock(MONDAY_7AM);

const h = setUpBrowser();
const t = setUpApp({
  env: { SEND_RATE: '30', SEND_BURST: '3', SEND_WINDOW: 'mon-sat 09:00-20:00' },
  simulator: { seed: 3, latencyMs: 5, latencyJitterMs: 5, stopProbability: 0 },
  clock,
});

describe('pace on the dashboard', () => {
  it('offers the presets, shows a blast waiting for its window, and its completion once the window opens', async () => {
    const page = await h.newPage();

    await page.goto(`${t.url}/#/new`);
    const pace = page.getByLabel('Pace');
    await expect.poll(() => pace.locator('option').first().textContent()).toBe('Device default (fast)');
    expect(await pace.locator('option').allTextContents()).toEqual(['Device default (fast)', 'Safe', 'Warm-up', 'Fast', 'Custom']);
    await pace.selectOption('fast');
    expect(await page.locator('#pacing-hint').textContent()).toContain('risks being banned');

    const id = await sendBlast(t, { message: 'Hi', recipients: ['+60123000001', '+60123000002', '+60123000003'] });

    await page.goto(`${t.url}/#/blasts/${id}`);
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
    expect(Object.values(t.app.simulator!.tally())).toEqual([1, 1, 1]);
    await page.context().close();
  });
});
