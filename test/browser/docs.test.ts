/**
 * /docs on a phone in headless Chromium: the page fits the screen's width (no sideways scrolling),
 * the operations are grouped under their tags in order, and an operation opens to its example.
 * Swagger UI is served by the server itself: no dashboard build is needed here.
 */
import { expect, it } from 'vitest';
import { PHONE, setUpApp, setUpBrowser } from './support/harness.ts';

const h = setUpBrowser({ build: false });
const t = setUpApp({ simulator: { seed: 3 } });

it('/docs on a 390 px phone: fits the width, grouped by tag, an operation shows its example', async () => {
  const page = await h.newPage({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await page.goto(`${t.url}/docs`);
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
  await page.context().close();
});
