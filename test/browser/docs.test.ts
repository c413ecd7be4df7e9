/**
 * /docs on a phone in headless Chromium: the page fits the screen's width (no sideways scrolling),
 * the operations are grouped under their tags in order, and an operation opens to its example.
 * Swagger UI is served by the server itself: no dashboard build is needed here.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWablast, type WablastHandle } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { INSTALL_HINT, findChromium } from '../../scripts/chromium.mjs';

let browser: Browser;
let app: WablastHandle;
const pageErrors: string[] = [];

beforeAll(async () => {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(INSTALL_HINT);
  browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  app = await startWablast(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', LOG_LEVEL: 'silent' }), {
    simulator: { seed: 3 },
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await browser?.close();
  expect(pageErrors).toEqual([]);
});

it('/docs on a 390 px phone: fits the width, grouped by tag, an operation shows its example', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${app.url}/docs`);
  await page.locator('.opblock-tag').first().waitFor();
  const tags = await page.locator('.opblock-tag-section h3 a span, .opblock-tag-section h3 .nostyle span').allTextContents();
  expect(tags.slice(0, 6)).toEqual(['Blasts', 'Sequences', 'Recipients', 'Replies', 'Reports', 'Opt-outs']);
  expect(tags).not.toContain('default');
  // The phone draws the page at its own width, not at 980 px shrunk.
  expect(await page.evaluate(() => window.innerWidth)).toBe(390);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);

  await page.locator('.opblock-summary', { hasText: 'Create a blast (JSON' }).first().click();
  const example = page.locator('.opblock.is-open .body-param__example, .opblock.is-open .model-example .microlight').first();
  await example.waitFor();
  await expect(example.textContent()).resolves.toContain('Raya Promo');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
  await context.close();
});
