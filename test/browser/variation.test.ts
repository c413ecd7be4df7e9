/**
 * The new-blast page in headless Chromium against the whole app in-process (PGlite in memory, the
 * simulator): rows pasted from a spreadsheet keep their names, the preview renders spintax, a check
 * shows how many distinct texts the blast sends with a few of them, and warns when one text would
 * go to too many numbers. The texts the simulator receives are the ones the page showed.
 */
import { expect, it } from 'vitest';
import { eventually } from '../helpers/testApp.ts';
import { newBlastFromCsv, screenshot, setUpApp, setUpBrowser } from './support/harness.ts';

const h = setUpBrowser();
const t = setUpApp({
  env: { SEND_RATE: '50', SEND_BURST: '5', IDENTICAL_TEXT_WARN_AT: '3' },
  simulator: { seed: 5, latencyMs: 5, stopProbability: 0, errorProbability: 0 },
});

// As a spreadsheet copies them: phone⇥name, a comma row, and a number with spaces before a name.
const PASTED = ['0123456701\tAli', '0123456702, Siti', '012-345 6703 Muthu', '0123456704\tTan, Ah Kow', '0123456705\tMei'].join('\n');

it('pasted phone⇥name rows keep their names; a check shows the distinct texts, a few of them, and the warning', async () => {
  const page = await h.newPage();
  await page.goto(`${t.url}/#/new`);
  await page.getByRole('heading', { name: 'New blast' }).waitFor();

  await page.getByLabel('Phone numbers').fill(PASTED);
  await expect.poll(() => page.getByTestId('pasted-count').textContent()).toBe('5');
  expect(await page.getByTestId('pasted-named').textContent()).toBe('5');
  // The name is a variable: the chip offers it, the preview uses it.
  await page.getByRole('button', { name: '+ {{name}}' }).waitFor();

  // Malformed spintax is said while typing, and creating is refused.
  const message = page.getByLabel('Message', { exact: true });
  await message.fill('Hi {name}');
  await expect.poll(() => page.getByTestId('message-problem').textContent()).toMatch(/one option.*\{\{name\}\}/);

  // One text for everyone: more than IDENTICAL_TEXT_WARN_AT (3) numbers get it, at a safe pace
  // (the simulator's default is `fast`, which is not warned).
  await message.fill('Our June promo starts today.');
  await page.getByLabel('Pace').selectOption('safe');
  await page.getByRole('button', { name: 'Check numbers' }).click();
  await page.getByTestId('check-result').waitFor();
  expect(await page.getByTestId('count-valid').textContent()).toBe('5');
  await expect.poll(() => page.getByTestId('variation-distinct').textContent()).toBe('1');
  expect(await page.getByTestId('variation-warning').textContent()).toMatch(/^5 numbers would get the very same text \(more than 3\)/);
  await page.getByLabel('Pace').selectOption('');

  // Spintax and the name: the live preview renders it for the first recipient, the check counts.
  const template = '{Hi|Hello|Hey} {{name|there}}, our {June|summer} promo starts {today|now}.';
  await message.fill(template);
  await expect.poll(() => page.getByTestId('variant-count').textContent()).toBe('12');
  await expect
    .poll(() => page.getByTestId('message-preview').textContent())
    .toMatch(/^(Hi|Hello|Hey) Ali, our (June|summer) promo starts (today|now)\.$/);
  // The pace changed since the first check, so the button may read "Check numbers" again.
  await page.getByRole('button', { name: /^Check (again|numbers)$/ }).click();
  await expect.poll(() => page.getByTestId('variation-distinct').textContent()).toBe('5');
  expect(await page.getByTestId('variation-warning').count()).toBe(0);
  const shown = await page.getByTestId('variant').allTextContents();
  expect(shown).toHaveLength(5);
  expect(shown.join('\n')).toContain('Muthu');
  expect(shown.join('\n')).toContain('Tan, Ah Kow');
  await screenshot(page, 'new-blast-variation-desktop');

  // Sent: every number gets the text the check showed for it.
  const samples = new Map(
    await Promise.all(
      (await page.getByTestId('variant').all()).map(async (v) => {
        const phone = (await v.getByTestId('variant-to').textContent())!;
        const text = (await v.getByTestId('variant-text').textContent())!;
        return [phone, text] as const;
      }),
    ),
  );
  await page.getByRole('button', { name: 'Create & send now' }).click();
  // The review step before sending (issue 16) asks once; confirming sends.
  await page.getByTestId('review').getByRole('button', { name: 'Send to 5 people' }).click();
  await eventually(async () => t.app.simulator!.messages().length === 5, 30_000);
  const sent = new Map(t.app.simulator!.messages().map((m) => [m.to, m.text]));
  expect(sent).toEqual(samples);
  expect(sent.get('+60123456703')).toMatch(/ Muthu, /);
  await page.close();
});

it('a CSV with a "phone-number" column reads in the dashboard as it does through the API', async () => {
  const page = await h.newPage();
  await newBlastFromCsv(page, t.url, {
    message: '{Hi|Hello} {{Name}}',
    csv: { name: 'shop.csv', text: 'Name,phone-number\nAisha,+60123999101\nBob,+60123999102\n' },
  });
  await expect.poll(() => page.getByTestId('csv-summary').textContent()).toContain('phone column “phone-number”');
  await expect.poll(() => page.getByTestId('message-preview').textContent()).toMatch(/^(Hi|Hello) Aisha$/);
  await page.getByRole('button', { name: 'Check numbers' }).click();
  await expect.poll(() => page.getByTestId('count-valid').textContent()).toBe('2');
  await page.close();
});
