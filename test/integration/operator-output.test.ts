import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

/**
 * What an operator reads after a blast, from a CSV with names that got replies (one a STOP) and a
 * number not on WhatsApp: the spreadsheet export and the CLI. Real app, simulator over HTTP, the
 * replies posted to the webhook as WSAPME posts them, the CLI as a child process.
 */
let app: TestApp;
let blastId: number;
const PHONES = { siti: '+60167123451', ali: '+60167123452', muthu: '+60167123453', ghost: '+60167120000' };
const ids: Record<string, number> = {};

const wablast = (...args: string[]) => runCli(app.url, ...args);
const hook = (body: unknown) => app.api('POST', `/webhooks/wsapme?token=${encodeURIComponent(app.config.webhookSecret!)}`, body);

beforeAll(async () => {
  // Nobody replies by themselves; everyone reads; numbers ending 0000 are not on WhatsApp.
  app = await startTestApp(
    { POLL_MODE: 'off', REPORT_TIMEZONE: 'Asia/Kuala_Lumpur' },
    { deliverProbability: 1, readProbability: 1, replyProbability: 0 },
  );
  const form = new FormData();
  form.set('message', 'Hi {{name}}');
  form.set('blast_tag', 'Raya Promo');
  const csv = `phone,city,name\n${PHONES.siti},KL,Siti\n${PHONES.ali},Ipoh,"=cmd|' /C calc'!A0"\n${PHONES.muthu},Penang,Muthu\n${PHONES.ghost},JB,Ghost\n`;
  form.set('file', new Blob([csv], { type: 'text/csv' }), 'customers.csv');
  blastId = (await (await fetch(`${app.url}/api/blasts/upload`, { method: 'POST', body: form })).json()).blast_id;
  await app.api('POST', `/api/blasts/${blastId}/send`);
  await eventually(async () => {
    const { recipients } = (await app.api('GET', `/api/blasts/${blastId}/recipients`)).body;
    return recipients.every((r: { status: string }) => r.status === 'READ_ACK' || r.status === 'FAILED');
  });
  for (const r of (await app.api('GET', `/api/blasts/${blastId}/recipients`)).body.recipients) ids[r.phone_number] = r.id;
  expect((await hook({ event: 'message', from: PHONES.siti, message: 'Interested, call me after 5' })).status).toBe(200);
  expect((await hook({ event: 'message', from: PHONES.muthu, message: 'STOP' })).status).toBe(200);
  await eventually(async () => (await app.api('GET', `/api/replies?blast_id=${blastId}`)).body.total === 2);
});
afterAll(async () => app?.close());

type Row = Record<string, string>;
async function exportCsv(query: string): Promise<{ rows: Row[]; header: string[]; disposition: string; raw: string }> {
  const res = await fetch(`${app.url}/api/blasts/${blastId}/recipients?format=csv${query}`);
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  // fetch's text() would drop the byte-order mark; a spreadsheet gets it.
  const raw = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const rows = parse(raw, { bom: true, columns: true }) as Row[];
  const header = (parse(raw, { bom: true, to_line: 1 }) as string[][])[0]!;
  return { rows, header, disposition: res.headers.get('content-disposition') ?? '', raw };
}

/** `2026-11-30 17:05:09`: the instant on Kuala Lumpur's clock (UTC+8 all year). */
const kl = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

describe('the CSV export, made for a spreadsheet', () => {
  it('name first, friendly statuses, the reply text, one wording for the failure, business times with the zone in the header', async () => {
    await app.api('POST', `/api/recipients/${ids[PHONES.siti]}/close`, { outcome: 'won', note: 'ordered 2 boxes' });
    const { rows, header, raw } = await exportCsv('');
    expect(raw.startsWith('\uFEFF')).toBe(true); // Excel reads the names as UTF-8
    expect(header.slice(0, 4)).toEqual(['name', 'Phone', 'Status', 'Reply']);
    expect(header).toContain('Sent (Asia/Kuala_Lumpur, UTC+08:00)');
    expect(header.indexOf('city')).toBeGreaterThan(header.indexOf('Attempts'));
    const by = Object.fromEntries(rows.map((r) => [r.Phone, r]));
    expect(by[PHONES.siti]).toMatchObject({
      name: 'Siti',
      Status: 'Closed',
      Reply: 'Interested, call me after 5',
      Outcome: 'won',
      Note: 'ordered 2 boxes',
      city: 'KL',
    });
    expect(by[PHONES.muthu]).toMatchObject({ name: 'Muthu', Status: 'Opted out', Reply: 'STOP' });
    expect(by[PHONES.ghost]).toMatchObject({ Status: 'Failed', 'Not delivered because': 'Not on WhatsApp' });
    expect(by[PHONES.ali]!.Status).toBe('Read');
    // A formula is defused.
    expect(by[PHONES.ali]!.name).toBe(`'=cmd|' /C calc'!A0`);
    // Times on the business's clock, as the API's instants say.
    const api = (await app.api('GET', `/api/blasts/${blastId}/recipients?phone=${PHONES.ali.slice(-7)}`)).body.recipients[0];
    expect(by[PHONES.ali]!['Sent (Asia/Kuala_Lumpur, UTC+08:00)']).toBe(kl(api.sent_at));
    expect(by[PHONES.ali]!['Read (Asia/Kuala_Lumpur, UTC+08:00)']).toBe(kl(api.read_at));
  });

  it('is named after the blast, its tag, the filter and the day; ?tz= changes the clock', async () => {
    const { disposition, rows } = await exportCsv('&status=REPLIED,CLOSED');
    const day = kl(new Date().toISOString()).slice(0, 10);
    expect(disposition).toContain(`filename="blast-${blastId}-raya-promo-replied+closed-${day}.csv"`);
    expect(disposition).toContain(`filename*=UTF-8''blast-${blastId}-raya-promo-replied%2Bclosed-${day}.csv`);
    expect(rows.map((r) => r.Phone).sort()).toEqual([PHONES.siti, PHONES.muthu].sort());
    const utc = await exportCsv('&tz=UTC');
    expect(utc.header).toContain('Sent (UTC, UTC+00:00)');
    expect((await app.api('GET', `/api/blasts/${blastId}/recipients?format=csv&tz=Mars/Olympus`)).status).toBe(400);
  });
});

// Each CLI call is a child process that starts through tsx: slow on a loaded machine.
const CLI_MS = 180_000;

describe('the CLI', () => {
  it(
    'lists recipients with names, friendly statuses, local times, a Closed column and the failure in one wording',
    async () => {
      await app.api('POST', `/api/recipients/${ids[PHONES.siti]}/close`, { outcome: 'won' });
      const r = await wablast('--tz', 'Asia/Kuala_Lumpur', 'blasts', 'recipients', String(blastId));
      expect(r.code, r.stderr).toBe(0);
      const [head, ...lines] = r.stdout.trimEnd().split('\n');
      expect(head).toMatch(/^ID +NAME +PHONE +STATUS +SENT +RECEIVED +READ +REPLIED +CLOSED +WHY NOT DELIVERED$/);
      const line = (phone: string) => lines.find((l) => l.includes(phone))!;
      expect(line(PHONES.siti)).toMatch(/Siti +\+60167123451 +Closed \(won\) /);
      expect(line(PHONES.ghost)).toMatch(/Ghost +\+60167120000 +Failed .*Not on WhatsApp$/);
      const api = (await app.api('GET', `/api/blasts/${blastId}/recipients?phone=${PHONES.ali.slice(-7)}`)).body.recipients[0];
      expect(line(PHONES.ali)).toContain(kl(api.sent_at).slice(0, 16));
      expect(r.stdout).toContain('Times in Asia/Kuala_Lumpur.');
      expect(r.stdout).not.toMatch(/\d\d:\d\d:\d\dZ/);

      const read = await wablast('blasts', 'recipients', String(blastId), '--status', 'read', '--json');
      expect(JSON.parse(read.stdout).recipients.map((x: { phone_number: string }) => x.phone_number)).toEqual([PHONES.ali]);
      const bad = await wablast('blasts', 'recipients', String(blastId), '--status', 'lead');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('read (READ_ACK)');
    },
    CLI_MS,
  );

  it(
    'closes with an outcome and a note, and reopens',
    async () => {
      const id = ids[PHONES.muthu]!;
      const closed = await wablast('close', String(id), '--outcome', 'lost', '--note', 'asked to stop');
      expect(closed.code, closed.stderr).toBe(0);
      expect(closed.stdout).toBe(
        `Closed recipient #${id} Muthu (${PHONES.muthu}) of blast #${blastId} (lost, "asked to stop"). Undo with: wablast reopen ${id}\n`,
      );
      const after = (await app.api('GET', `/api/blasts/${blastId}/recipients?phone=${PHONES.muthu.slice(-7)}`)).body.recipients[0];
      expect(after).toMatchObject({ status: 'CLOSED', close_outcome: 'lost', close_note: 'asked to stop' });

      const reopened = await wablast('reopen', String(id));
      expect(reopened.stdout).toBe(`Reopened recipient #${id} Muthu (${PHONES.muthu}): Replied again.\n`);
      const never = await wablast('close', String(ids[PHONES.ghost]));
      expect(never.code).toBe(1);
      expect(never.stderr).toMatch(/^error: Only a sent recipient can be closed; this one is FAILED\n$/);
      expect((await wablast('close', 'x')).code).not.toBe(0);
    },
    CLI_MS,
  );

  it(
    'replies show the name, the text, the recipient to close, and an opt-out as such',
    async () => {
      const r = await wablast('replies', '--blast', String(blastId));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(`Siti +\\+60167123451 +#${blastId} Raya Promo +${ids[PHONES.siti]} +Closed \\(won\\) +Interested, call me after 5`),
      );
      expect(r.stdout).toMatch(/Muthu +\+60167123453 .* +Opted out +STOP/);
    },
    CLI_MS,
  );

  it(
    'a dry run notes a number outside the default country',
    async () => {
      const r = await wablast('blasts', 'create', '--message', 'Hi', '--numbers', '0123456789,+65 9123 4567', '--dry-run');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Note: 1 number is outside Malaysia (1 Singapore): it will be sent as given.');
      expect(r.stdout).toContain('  line 2: +6591234567');
    },
    CLI_MS,
  );
});
