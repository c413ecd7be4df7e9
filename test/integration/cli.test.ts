import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Run, runCli } from '../helpers/runCli.ts';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';

/**
 * The `wablast blasts …` client as a user runs it: a child process talking HTTP to a real app.
 * (execFile, not execFileSync: the app answers from this very process.)
 */

let app: TestApp;
let dir: string;

const wablast = (...args: string[]): Promise<Run> => runCli(app.url, ...args);

beforeAll(async () => {
  app = await startTestApp();
  dir = await mkdtemp(join(tmpdir(), 'wablast-cli-'));
});
afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('wablast blasts (CLI)', () => {
  it('creates, sends with --wait and prints the funnel', async () => {
    const created = await wablast(
      'blasts',
      'create',
      '--message',
      'Hi {{name|there}}',
      '--tag',
      'CLI launch',
      '--stage',
      'Initial',
      '--numbers',
      '+60123456789, 012-345 6790,not a number',
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const id = Number(/Created blast #(\d+) with 2 recipients \(1 invalid left out\)/.exec(created.stdout)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(created.stdout).toContain('"not a number"');

    const sent = await wablast('blasts', 'send', String(id), '--wait');
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toBe(`Blast #${id} is completed: 2 sent, 0 failed, 0 uncertain, 0 queued.\n`);

    const report = await wablast('blasts', 'report', String(id));
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(new RegExp(`^Blast #${id} · CLI launch · Initial · completed\n`));
    expect(report.stdout).toMatch(/^Recipients +2$/m);
    expect(report.stdout).toMatch(/^Sent +2$/m);
    expect(report.stdout).toMatch(/^Received +\d +[\d.]+%$/m);

    const json = await wablast('--json', 'blasts', 'report', String(id));
    expect(JSON.parse(json.stdout)).toMatchObject({ total: 2, sent: 2, failed: 0, uncertain: 0 });

    const list = await wablast('blasts', 'list');
    expect(list.stdout).toMatch(new RegExp(`^ *${id} +completed +CLI launch +Initial +2 +2 `, 'm'));
  });

  it('prints API errors as one line on stderr and exits 1, without a stack', async () => {
    // Independent runs, in parallel: each child process takes about a second to start.
    const [missing, paused, bad, down] = await Promise.all([
      wablast('blasts', 'report', '987654'),
      wablast('--json', 'blasts', 'create', '--message', 'x', '--numbers', '+60123456700').then((created) =>
        wablast('blasts', 'pause', String((JSON.parse(created.stdout) as { blast_id: number }).blast_id)),
      ),
      wablast('blasts', 'create', '--message', '', '--numbers', '+60123456701'),
      wablast('--url', 'http://127.0.0.1:9', 'blasts', 'list'),
    ]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'error: Blast 987654 not found\n' });
    expect(paused.code).toBe(1);
    expect(paused.stderr).toMatch(/^error: .*draft.*\n$/);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: message: must not be empty\n');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^error: cannot reach wablast at http:\/\/127\.0\.0\.1:9 /);
    for (const r of [missing, paused, bad, down]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('uploads a CSV, keeps its columns as variables and exports recipients as CSV', async () => {
    const file = join(dir, 'recipients.csv');
    await writeFile(file, 'phone,name\n+60123456711,Ann\n+60123456712,Bob\n+60123456711,Ann again\n');

    const dry = await wablast('blasts', 'create', '--message', 'Hi {{name}}', '--csv', file, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run: the blast would have 2 recipients (1 duplicate left out). Nothing was created.');

    const created = await wablast('--json', 'blasts', 'create', '--message', 'Hi {{name}}', '--tag', 'CSV', '--csv', file);
    expect(created.code, created.stderr).toBe(0);
    const result = JSON.parse(created.stdout) as { blast_id: number; total_recipients: number; duplicates: number };
    expect(result).toMatchObject({ total_recipients: 2, duplicates: 1 });

    const csv = await wablast('blasts', 'recipients', String(result.blast_id), '--csv');
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true); // the byte-order mark a spreadsheet reads UTF-8 by (trim() drops it)
    expect(lines[0]).toMatch(/^name,Phone,Status,Reply,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).reverse())).toEqual([
      ['+60123456711', 'Ann'],
      ['+60123456712', 'Bob'],
    ]);

    const missing = await wablast('blasts', 'create', '--message', 'x', '--csv', join(dir, 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read .*nope\.csv: ENOENT\n$/);
  });
});

describe('wablast webhooks endpoints (CLI)', () => {
  it('adds, lists and removes an endpoint; the secret is printed once and masked after', async () => {
    const added = await wablast(
      'webhooks',
      'endpoints',
      'add',
      'https://crm.example.com/hook',
      '--events',
      'recipient.replied,blast.completed',
      '--json',
    );
    expect(added.code).toBe(0);
    const { id, secret } = JSON.parse(added.stdout) as { id: number; secret: string };
    expect(secret).toMatch(/^whsec_/);
    const listed = await wablast('webhooks', 'endpoints', 'list');
    expect(listed.stdout).toContain('https://crm.example.com/hook');
    expect(listed.stdout).toContain('recipient.replied,blast.completed');
    expect(listed.stdout).not.toContain(secret);
    const bad = await wablast('webhooks', 'endpoints', 'add', 'ftp://x', '--events', 'recipient.replied');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*http/);
    expect((await wablast('webhooks', 'endpoints', 'rm', String(id))).stdout).toContain(`Endpoint ${id} deleted.`);
    expect((await wablast('webhooks', 'endpoints', 'list')).stdout).toContain('No webhook endpoints.');
  });
});
