/**
 * What every browser test needs: the dashboard built from the current sources, one headless
 * Chromium, pages that record uncaught errors (there must be none), and screenshots at desktop and
 * phone width into docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { INSTALL_HINT, findChromium } from '../../scripts/chromium.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHOTS = `${ROOT}docs/screenshots`;
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface Harness {
  browser: Browser;
  /** Uncaught errors of every page opened: a test file expects none at the end. */
  pageErrors: string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  // Always test the current sources, not a stale web/dist.
  await build({ configFile: `${ROOT}web/vite.config.ts`, logLevel: 'warn' });
  mkdirSync(SHOTS, { recursive: true });
  const executablePath = findChromium();
  if (!executablePath) throw new Error(INSTALL_HINT);
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const pageErrors: string[] = [];
  return {
    browser,
    pageErrors,
    async newPage(viewport = DESKTOP) {
      const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'en-GB', timezoneId: 'Asia/Kuala_Lumpur' });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      return page;
    },
    close: () => browser.close(),
  };
}

/** Saves `name-desktop.png` and `name-phone.png`, then restores the desktop viewport. */
export async function screenshots(page: Page, name: string, fullPage = false): Promise<void> {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: `${SHOTS}/${name}-${size}.png`, fullPage });
  }
  await page.setViewportSize(DESKTOP);
}

/** A JSON call to the app's API, answered as parsed JSON. */
export async function jsonApi(baseUrl: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

/** Posts a WSAPME webhook body to the app, as the gateway would (the secret as ?token=). */
export function postWebhook(app: { url: string; config: { webhookSecret: string | null | undefined } }, body: unknown): Promise<Response> {
  return fetch(`${app.url}/webhooks/wsapme?token=${encodeURIComponent(app.config.webhookSecret ?? '')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
