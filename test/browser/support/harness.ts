/**
 * What every browser test needs: the dashboard built from the current sources, one headless
 * Chromium, pages that record uncaught errors (there must be none), the whole app in-process
 * (PGlite in memory, the WSAPME simulator), screenshots at desktop and phone width into
 * docs/screenshots/, and the few steps many tests take (a blast created and sent through the API,
 * the new-blast form filled from a CSV file).
 *
 * `setUpBrowser()` and `setUpApp()` register their own beforeAll/afterAll in the suite that calls them
 * and answer an object whose members work once those have run.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect } from 'vitest';
import { type StartOptions, startWablast, type WablastHandle } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Json } from '../../helpers/json.ts';
import { INSTALL_HINT, findChromium } from '../../../scripts/chromium.mjs';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const SHOTS = `${ROOT}docs/screenshots`;
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface Harness {
  browser: Browser;
  /** Uncaught errors of every page opened: a test file expects none at the end. */
  pageErrors: string[];
  /** A page in a context of its own: desktop size, en-GB, Kuala Lumpur time, unless `options` say otherwise. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

/** Builds the dashboard (unless `build` is false: /docs needs none) and launches Chromium. */
export async function startHarness({ build: buildWeb = true } = {}): Promise<Harness> {
  // Always test the current sources, not a stale web/dist.
  if (buildWeb) await build({ configFile: `${ROOT}web/vite.config.ts`, logLevel: 'warn' });
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
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: DESKTOP,
        acceptDownloads: true,
        locale: 'en-GB',
        timezoneId: 'Asia/Kuala_Lumpur',
        ...options,
      });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      return page;
    },
    close: () => browser.close(),
  };
}

/**
 * Runs `start` before the suite and `stop` after it, in the suite that calls it; answers a getter
 * of what `start` made, for the tests (they run in between).
 */
function aroundSuite<T>(what: string, start: () => Promise<T>, stop: (it: T | undefined) => Promise<void>, timeout: number): () => T {
  let it: T | undefined;
  beforeAll(async () => {
    it = await start();
  }, timeout);
  afterAll(() => stop(it));
  return () => {
    if (it === undefined) throw new Error(`${what} starts in beforeAll`);
    return it;
  };
}

/** startHarness() before the suite; after it, Chromium closed and no uncaught page error expected. */
export function setUpBrowser(options: { build?: boolean } = {}): Harness {
  const h = aroundSuite(
    'the browser harness',
    () => startHarness(options),
    async (started) => {
      await started?.close();
      expect(started?.pageErrors ?? []).toEqual([]);
    },
    180_000,
  );
  return {
    get browser() {
      return h().browser;
    },
    get pageErrors() {
      return h().pageErrors;
    },
    newPage: (o) => h().newPage(o),
    close: () => h().close(),
  };
}

/** The app's settings beyond the test defaults, its simulator and (for time travel) its clock. */
export interface AppOptions {
  env?: Record<string, string>;
  simulator?: StartOptions['simulator'];
  clock?: StartOptions['clock'];
}

/** The whole app in-process on a free port: PGlite in memory, the simulator, no logs. */
export function startApp({ env = {}, simulator, clock }: AppOptions = {}): Promise<WablastHandle> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', LOG_LEVEL: 'silent', ...env });
  return startWablast(config, { simulator, ...(clock ? { clock } : {}) });
}

export interface AppUnderTest {
  readonly app: WablastHandle;
  readonly url: string;
  /** A JSON call to the app's API, answered as parsed JSON. */
  api(method: string, path: string, body?: unknown): Promise<Json>;
  /** Posts a WSAPME webhook body to the app, as the gateway would. */
  hook(body: unknown): Promise<Response>;
}

/** startApp() before the suite, closed after it. */
export function setUpApp(options: AppOptions = {}): AppUnderTest {
  const app = aroundSuite(
    'the app',
    () => startApp(options),
    async (started) => started?.close(),
    120_000,
  );
  return {
    get app() {
      return app();
    },
    get url() {
      return app().url;
    },
    api: (method, path, body) => jsonApi(app().url, method, path, body),
    hook: (body) => postWebhook(app(), body),
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

/** Saves the page as it is to `name.png`, the whole page by default. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
}

/** A JSON call to the app's API, answered as parsed JSON. */
export async function jsonApi(baseUrl: string, method: string, path: string, body?: unknown): Promise<Json> {
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

/** Creates a blast through the API and sends it; answers its id. */
export async function sendBlast(t: Pick<AppUnderTest, 'api'>, blast: Record<string, unknown>): Promise<number> {
  const created = await t.api('POST', '/api/blasts', blast);
  await t.api('POST', `/api/blasts/${created.blast_id}/send`);
  return created.blast_id as number;
}

/** Opens the new-blast page and fills it: the tag (if any), the message, and recipients from a CSV file. */
export async function newBlastFromCsv(
  page: Page,
  url: string,
  blast: { tag?: string; message: string; csv: { name: string; text: string } },
): Promise<void> {
  await page.goto(`${url}/#/new`);
  if (blast.tag !== undefined) await page.getByRole('textbox', { name: /^Tag/ }).fill(blast.tag);
  await page.getByLabel('Message', { exact: true }).fill(blast.message);
  await page.getByRole('radio', { name: 'Upload CSV' }).check();
  await page.locator('#csv-file').setInputFiles({ name: blast.csv.name, mimeType: 'text/csv', buffer: Buffer.from(blast.csv.text) });
  await page.getByTestId('csv-summary').waitFor();
}
