/**
 * The dashboard, driven in headless Chromium against the whole app in-process (PGlite in memory,
 * the WSAPME simulator): paste numbers, check them, create, send, watch the funnel reach the
 * simulator's own tally, pause/resume, filter, export, close a recipient, sign in.
 * Screenshots of each page (desktop 1280 px, phone 390 px) go to docs/screenshots/.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WablastHandle } from '../../src/app.ts';
import type { SimOptions } from '../../sim/simOptions.ts';
import { newBlastFromCsv, screenshots, setUpApp, setUpBrowser } from './support/harness.ts';

// Fast, deterministic, well-behaved gateway: every status arrives within ~1.5 s of sending.
const SIM: Partial<SimOptions> = {
  seed: 7,
  latencyMs: 5,
  latencyJitterMs: 5,
  deliverDelayMs: [50, 300],
  readDelayMs: [100, 700],
  replyDelayMs: [200, 1200],
  stopProbability: 0,
};
// Slow enough to pause mid-blast, fast enough to finish 280 messages in ~10 s.
const PACE = { SEND_RATE: '30', SEND_BURST: '3' };

const h = setUpBrowser();

/** 300 entries: 280 distinct valid numbers in mixed spellings, 10 duplicates, 10 invalid. */
function pastedNumbers(): { text: string; invalid: string[] } {
  const valid = Array.from({ length: 280 }, (_, i) => {
    const local = String(3_400_000 + i * 7).padStart(7, '0'); // +60 12-xxx xxxx
    return i % 10 === 3 ? `012-${local.slice(0, 3)} ${local.slice(3)}` : i % 10 === 6 ? `6012${local}` : `+6012${local}`;
  });
  const duplicates = Array.from({ length: 10 }, (_, i) => `+6012${String(3_400_000 + i * 7 * 13).padStart(7, '0')}`);
  const invalid = ['abc', '12345', 'call me', '+60 1', '999', 'x123', '+6012', 'hello', '1-2-3', '+1 555'];
  const all = [...valid];
  for (const [i, d] of duplicates.entries()) all.splice(20 + i * 25, 0, d);
  for (const [i, d] of invalid.entries()) all.splice(10 + i * 28, 0, d);
  // Any separators: lines of one, and lines of three joined by commas or semicolons.
  const lines: string[] = [];
  for (let i = 0; i < all.length; ) {
    if (i % 7 === 0) {
      lines.push(all.slice(i, i + 3).join(i % 2 ? '; ' : ', '));
      i += 3;
    } else {
      lines.push(all[i]!);
      i += 1;
    }
  }
  return { text: lines.join('\n'), invalid };
}

const FUNNEL_KEYS = ['sent', 'received', 'read', 'replied', 'closed'] as const;
const TILE_KEYS = ['total', 'failed', 'queued'] as const;
type Shown = Record<(typeof FUNNEL_KEYS)[number] | (typeof TILE_KEYS)[number], number>;

/** The numbers the detail page shows. */
async function funnel(page: Page): Promise<Shown> {
  const num = async (testId: string) => Number((await page.getByTestId(testId).textContent())!.replace(/\D/g, ''));
  const out = {} as Shown;
  for (const k of FUNNEL_KEYS) out[k] = await num(`funnel-${k}`);
  for (const k of TILE_KEYS) out[k] = await num(`report-${k}`);
  return out;
}

/** What the funnel must show, from the simulator's own record of every message it accepted. */
function simFunnel(app: WablastHandle): { sent: number; received: number; read: number; replied: number } {
  const msgs = app.simulator!.messages();
  return {
    sent: msgs.filter((m) => m.status !== 'ERROR').length,
    received: msgs.filter((m) => m.delivered || m.replied).length,
    read: msgs.filter((m) => m.read || m.replied).length,
    replied: msgs.filter((m) => m.replied).length,
  };
}

const stateOf = (page: Page) => page.getByTestId('blast-detail').getByTestId('blast-state');

describe('dashboard', () => {
  const t = setUpApp({ env: PACE, simulator: SIM });
  let page: Page;
  let blastId: number;

  beforeAll(async () => {
    page = await h.newPage();
  });
  afterAll(async () => {
    await page?.context().close();
  });

  it('shows the simulator banner and an empty list', async () => {
    await page.goto(t.url);
    await expect.poll(() => page.getByTestId('simulator-banner').textContent()).toContain('no real WhatsApp message is sent');
    await page.getByRole('heading', { name: 'No blasts yet' }).waitFor();
  });

  it('checks 300 pasted numbers and shows valid / invalid / duplicate counts', async () => {
    await page.getByRole('link', { name: 'New blast' }).first().click();
    await page.getByRole('heading', { name: 'New blast' }).waitFor();

    await page.getByRole('textbox', { name: /^Tag/ }).fill('June promo');
    await page.getByLabel('Message', { exact: true }).fill('Hi {{name|there}}, our June promo starts today. Reply STOP to opt out.');
    await page.getByLabel('Follow-up stage').selectOption('Follow-up 1');
    const { text, invalid } = pastedNumbers();
    await page.getByLabel('Phone numbers').fill(text);
    await expect.poll(() => page.getByTestId('pasted-count').textContent()).toBe('300');

    // The live preview renders the fallback for the first recipient.
    await expect.poll(() => page.getByTestId('message-preview').textContent()).toContain('Hi there, our June promo');

    // Creating is only offered after the check.
    expect(await page.getByRole('button', { name: 'Create & send now' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Check numbers' }).click();
    await page.getByTestId('check-result').waitFor();
    expect(await page.getByTestId('count-valid').textContent()).toBe('280');
    expect(await page.getByTestId('count-invalid').textContent()).toBe('10');
    expect(await page.getByTestId('count-duplicates').textContent()).toBe('10');
    expect(await page.getByTestId('count-opted-out').textContent()).toBe('0');
    const lines = await page.getByTestId('invalid-lines').textContent();
    for (const bad of invalid) expect(lines).toContain(bad);
    expect(lines).toMatch(/Line \d+:/);
    // The server's preview: the first valid recipient, in E.164.
    expect(await page.getByTestId('preview-phone').textContent()).toMatch(/^\+6012\d{7}$/);

    await screenshots(page, 'new-blast', true);
  });

  it('shows API errors next to the field that caused them', async () => {
    await page.getByRole('textbox', { name: /^Tag/ }).fill('x'.repeat(5));
    await page.getByLabel('Date and time').fill('2020-01-01T09:00');
    await page.getByLabel('Follow-up stage').selectOption('__other__');
    await page.getByLabel('Stage name').fill('Re-engagement');
    // Scheduling in the past is refused next to the date field, before any call.
    expect(await page.getByRole('button', { name: 'Create & schedule' }).isDisabled()).toBe(true);
    // An empty message is refused next to the message field.
    await page.getByLabel('Message', { exact: true }).fill('   ');
    await page.getByRole('button', { name: 'Create & send now' }).click();
    await expect.poll(() => page.locator('#message-error').textContent()).toMatch(/message/i);
    await page.getByLabel('Message', { exact: true }).fill('Hi {{name|there}}, our June promo starts today. Reply STOP to opt out.');
    await page.getByRole('textbox', { name: /^Tag/ }).fill('June promo');
    await page.getByLabel('Follow-up stage').selectOption('Follow-up 1');
  });

  it('creates and sends (after the review), then pauses and resumes', async () => {
    await page.getByRole('button', { name: 'Create & send now' }).click();
    // The review says who gets it; nothing is sent before the confirmation.
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe('280');
    expect(Object.keys(t.app.simulator!.tally()).length).toBe(0);
    await page.getByTestId('review').getByRole('button', { name: 'Send to 280 people' }).click();
    await page.getByTestId('blast-detail').waitFor();
    blastId = Number(await page.getByTestId('blast-detail').getAttribute('data-blast-id'));
    expect(blastId).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('June promo');

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => stateOf(page).textContent()).toBe('Paused');
    // Paused: after in-flight sends settle, the gateway sees nothing more.
    await page.waitForTimeout(800);
    const sentAtPause = Object.keys(t.app.simulator!.tally()).length;
    expect(sentAtPause).toBeLessThan(280);
    await page.waitForTimeout(1500);
    expect(Object.keys(t.app.simulator!.tally()).length).toBe(sentAtPause);
    await page.getByRole('progressbar', { name: 'Sending progress' }).waitFor();

    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => stateOf(page).textContent()).toBe('Sending');
    await screenshots(page, 'blast-sending');
  }, 60_000);

  it('watches the funnel fill live until it matches the simulator', async () => {
    await expect.poll(() => stateOf(page).textContent(), { timeout: 40_000 }).toBe('Completed');
    // Every number went out exactly once.
    // Every number reached the gateway exactly once (the "not on WhatsApp" one is refused at the door).
    const tally = t.app.simulator!.tally();
    expect(Object.keys(tally).length).toBeGreaterThanOrEqual(270);
    expect(Object.keys(tally).length).toBeLessThanOrEqual(280);
    expect(Object.values(tally).every((n) => n === 1)).toBe(true);

    // The page is not reloaded: the SSE stream brings every change.
    let last = '';
    await expect
      .poll(
        async () => {
          const ui = await funnel(page);
          const sim = simFunnel(t.app);
          const now = JSON.stringify([ui.sent, ui.received, ui.read, ui.replied, sim]);
          const stable = now === last;
          last = now;
          return stable && ui.sent === sim.sent && ui.received === sim.received && ui.read === sim.read && ui.replied === sim.replied;
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(true);
    const ui = await funnel(page);
    expect(ui.total).toBe(280);
    expect(ui.sent + ui.failed).toBe(280);
    expect(ui.read).toBeGreaterThan(0);
    expect(ui.replied).toBeGreaterThan(0);
    // Settled: the time it finished instead of a "Live" dot.
    expect(await page.getByTestId('live').count()).toBe(0);
    expect(await page.getByTestId('settled').textContent()).toMatch(/^Finished/);
    await screenshots(page, 'blast-detail');
  }, 90_000);

  it('filters the recipients table by status and phone', async () => {
    const ui = await funnel(page);
    await page.getByLabel('Status', { exact: true }).selectOption('REPLIED');
    // The count shown before the filter applies also says "match": wait for the filtered one.
    const shownTotal = async () => Number(((await page.getByTestId('recipients-total').textContent()) ?? '').replace(/\D/g, ''));
    await expect.poll(shownTotal).toBe(ui.replied);
    const replied = await shownTotal();
    const statuses = await page.getByTestId('recipients-table').locator('tbody').getByTestId('status').allTextContents();
    expect(statuses.length).toBe(Math.min(replied, 50));
    expect(new Set(statuses)).toEqual(new Set(['Replied']));

    await page.getByLabel('Status', { exact: true }).selectOption('');
    const phone = (await page.getByTestId('recipients-table').getByTestId('wa-link').first().textContent())!;
    await page.getByLabel('Search', { exact: true }).fill(phone.slice(-6));
    await expect.poll(() => page.getByTestId('recipients-table').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('recipients-table').getByTestId('wa-link').textContent()).toBe(phone);
    await page.getByLabel('Search', { exact: true }).fill('');
    await expect.poll(() => page.getByTestId('recipients-table').locator('tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => page.getByTestId('pagination-text').first().textContent()).toContain('51–100 of 280');
    await page.getByRole('button', { name: '← Previous' }).click();
  });

  it('exports the recipients as CSV', async () => {
    await page.getByLabel('Status', { exact: true }).selectOption('READ_ACK');
    // The link's target answers a CSV (said plainly here, rather than as a cancelled download).
    const href = (await page.getByTestId('export-csv').getAttribute('href'))!;
    expect(href).toContain('status=READ_ACK');
    const direct = await page.request.get(`${t.url}${href}`);
    expect(direct.status(), await direct.text()).toBe(200);
    expect(direct.headers()['content-type']).toContain('text/csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    // The server names the file (blast, tag, filter, day); the spreadsheet's columns are people's words.
    expect(download.suggestedFilename()).toMatch(/^blast-\d+-.*read-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toContain('Phone,Status,Reply');
    const rows = csv.slice(1);
    const total = Number((await page.getByTestId('recipients-total').textContent())!.replace(/\D/g, ''));
    expect(rows.length).toBe(total);
    expect(rows.every((r) => r.includes(',Read,'))).toBe(true);
  });

  it('closes a recipient from the table, and the funnel follows', async () => {
    const before = (await funnel(page)).closed;
    // A recipient who read the message (the filter is still READ_ACK), found again by phone alone.
    const phone = (await page.getByTestId('recipients-table').getByTestId('wa-link').first().textContent())!;
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Search', { exact: true }).fill(phone);
    await expect.poll(() => page.getByTestId('recipients-table').locator('tbody tr').count()).toBe(1);
    const row = page.getByTestId('recipients-table').locator('tbody tr').first();
    await row.getByRole('button', { name: `Mark ${phone} closed` }).click();
    await expect.poll(() => row.getByTestId('status').textContent()).toBe('Closed');
    expect(await row.getByRole('button').count()).toBe(0);
    await expect.poll(async () => (await funnel(page)).closed).toBe(before + 1);
    const res = await fetch(`${t.url}/api/blasts/${blastId}/report`);
    expect(((await res.json()) as { closed: number }).closed).toBe(before + 1);
    await page.getByLabel('Search', { exact: true }).fill('');
  });

  it('lists the blast with its funnel bar, newest first', async () => {
    await page.getByRole('link', { name: '← Blasts' }).click();
    const item = page.getByTestId('blast-list').locator(`[data-blast-id="${blastId}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('June promo');
    expect(await item.textContent()).toContain('Follow-up 1');
    expect(await item.getByTestId('blast-state').textContent()).toBe('Completed');
    expect(await item.getByRole('img').getAttribute('aria-label')).toMatch(/\d+ sent, \d+ received, \d+ read, \d+ replied, 1 closed/);
  });

  it('uses a CSV file with variables for the preview', async () => {
    await newBlastFromCsv(page, t.url, {
      tag: 'VIP customers',
      message: 'Hello {{Name}}, your code is {{code}}.',
      csv: { name: 'customers.csv', text: 'phone,name,code\n+60123999001,Aisha,A-1\n"+60123999002","Bob ""B""",B-2\nnot-a-number,X,C\n' },
    });
    await expect.poll(() => page.getByTestId('message-preview').textContent()).toBe('Hello Aisha, your code is A-1.');
    await page.getByRole('button', { name: 'Check numbers' }).click();
    await page.getByTestId('check-result').waitFor();
    expect(await page.getByTestId('count-valid').textContent()).toBe('2');
    expect(await page.getByTestId('invalid-lines').textContent()).toContain('CSV line 4');

    // Schedule it for tomorrow: it waits, in state Scheduled, and can be cancelled.
    const d = new Date(Date.now() + 24 * 3600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page.getByLabel('Date and time').fill(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T09:30`);
    await page.getByRole('button', { name: 'Create & schedule' }).click();
    await page.getByTestId('review').getByRole('button', { name: 'Schedule to 2 people' }).click();
    await page.getByTestId('blast-detail').waitFor();
    await expect.poll(() => stateOf(page).textContent()).toBe('Scheduled');
    await page.getByRole('button', { name: 'Cancel blast' }).click();
    await page.getByRole('button', { name: 'Yes, cancel blast' }).click();
    await expect.poll(() => stateOf(page).textContent()).toBe('Cancelled');
    expect(Object.keys(t.app.simulator!.tally())).not.toContain('+60123999001');

    // The list, newest first.
    await page.getByRole('link', { name: 'Blasts', exact: true }).click();
    await page.getByTestId('blast-list').waitFor();
    const titles = await page.getByTestId('blast-list').getByTestId('blast-item-title').allTextContents();
    expect(titles).toEqual([`#${blastId + 1}VIP customers`, `#${blastId}June promo`]);
    await screenshots(page, 'blasts');
  });

  it('follows up on "Read, not replied" from the detail page, and the child names its parent', async () => {
    await page.goto(`${t.url}/#/blasts/${blastId}`);
    await page.getByTestId('blast-detail').waitFor();
    await page.getByRole('button', { name: 'Follow up' }).click();
    const panel = page.getByTestId('follow-up');
    await panel.waitFor();

    // The count is the server's dry run for the segment: everyone who read and has not replied.
    const res = await fetch(`${t.url}/api/blasts/${blastId}/recipients?status=READ_ACK&limit=1`);
    const readNotReplied = ((await res.json()) as { total: number }).total;
    expect(readNotReplied).toBeGreaterThan(0);
    await panel.getByLabel('Segment').selectOption('read_not_replied');
    expect(await panel.getByLabel('Segment').locator('option:checked').textContent()).toBe(`Read, not replied (${readNotReplied})`);
    await expect.poll(() => panel.getByTestId('follow-up-count').textContent()).toBe(String(readNotReplied));

    await panel.getByLabel('Follow-up message').fill('Hi {{name|there}}, did the June promo catch your eye?');
    await expect.poll(() => panel.getByTestId('message-preview').textContent()).toBe('Hi there, did the June promo catch your eye?');
    expect(await panel.getByTestId('preview-phone').textContent()).toMatch(/^\+6012\d{7}$/);
    expect(await panel.getByLabel('Follow-up stage').inputValue()).toBe('Follow-up 2');
    await panel.getByRole('textbox', { name: /^Tag/ }).fill('June promo nudge');

    await panel.getByRole('button', { name: 'Create & send now' }).click();
    await panel
      .getByTestId('review')
      .getByRole('button', { name: /^Send to/ })
      .click();
    await expect.poll(async () => Number(await page.getByTestId('blast-detail').getAttribute('data-blast-id'))).not.toBe(blastId);
    const childId = Number(await page.getByTestId('blast-detail').getAttribute('data-blast-id'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('June promo nudge');
    expect(await page.getByTestId('follow-up-of').textContent()).toBe(`Follow-up of blast #${blastId} (Read, not replied)`);
    await expect.poll(() => stateOf(page).textContent(), { timeout: 30_000 }).toBe('Completed');
    expect((await funnel(page)).total).toBe(readNotReplied);
    const child = (await (await fetch(`${t.url}/api/blasts/${childId}`)).json()) as { parent_blast_id: number; segment: string };
    expect(child).toMatchObject({ parent_blast_id: blastId, segment: 'read_not_replied' });

    // The parent link leads back.
    await page.getByTestId('follow-up-of').getByRole('link').click();
    await expect.poll(async () => Number(await page.getByTestId('blast-detail').getAttribute('data-blast-id'))).toBe(blastId);
  }, 60_000);
});

describe('dashboard with API_TOKEN', () => {
  const t = setUpApp({ env: { ...PACE, API_TOKEN: 'let-me-in-please-0123456789abcdef' }, simulator: SIM });
  let page: Page;

  beforeAll(async () => {
    page = await h.newPage();
  });
  afterAll(async () => {
    await page?.context().close();
  });

  it('asks for the token once, then works; the API refuses calls without it', async () => {
    expect((await fetch(`${t.url}/api/blasts`)).status).toBe(401);

    await page.goto(t.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Access token').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#token-error').textContent()).toContain('not right');
    await screenshots(page, 'sign-in');

    await page.getByLabel('Access token').fill('let-me-in-please-0123456789abcdef');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Blasts', exact: true }).waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.length).toBe(1);
    expect(cookies[0]!.httpOnly).toBe(true);
    expect(cookies[0]!.value).not.toContain('let-me-in-please-0123456789abcdef');

    // Remembered across reloads.
    await page.reload();
    await page.getByRole('heading', { name: 'Blasts', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
