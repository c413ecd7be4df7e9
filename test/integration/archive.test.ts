import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

/**
 * Retention: `wablast archive --before …` exports a finished blast's recipients to CSV and deletes
 * them, and the blast's report, its counters (status counts, stage hours) and the funnel across
 * blasts still show it afterwards.
 */
let app: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'wablast-archive-'));
const phones = Array.from({ length: 4 }, (_, i) => `+6017${String(3_210_001 + i)}`);

beforeAll(async () => {
  app = await startTestApp({ POLL_MODE: 'off', ARCHIVE_DIR: dir }, { deliverProbability: 1, readProbability: 1, replyProbability: 0 });
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('exports and deletes a finished blast’s recipients, keeps its report and funnel, and leaves unfinished blasts alone', async () => {
  const created = await app.api('POST', '/api/blasts', {
    message: 'Hi {{name}}',
    recipients: phones.map((phone, i) => ({ phone, name: `Siti, ${i}` })),
  });
  const id = created.body.blast_id as number;
  await app.api('POST', `/api/blasts/${id}/send`);
  const before = await eventually(async () => {
    const b = (await app.api('GET', `/api/blasts/${id}`)).body;
    return b.state === 'completed' && b.report.read === phones.length ? b : null;
  }, 60_000);
  const draft = (await app.api('POST', '/api/blasts', { message: 'Later', recipients: [phones[0]] })).body.blast_id as number;
  const funnel = (path: string) => app.api('GET', path).then((r) => r.body);
  const byDay = '/api/reports/funnel?group_by=day';
  const byStage = '/api/reports/funnel?group_by=follow_up_stage';
  const [dayBefore, stageBefore] = [await funnel(byDay), await funnel(byStage)];
  expect(stageBefore.total.read).toBe(phones.length);

  const bad = await runCli(app.url, 'archive', '--before', 'last tuesday');
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('before');

  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const run = await runCli(app.url, 'archive', '--before', tomorrow, '--json');
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result.blasts).toEqual([
    { blast_id: id, exported: phones.length, deleted: phones.length, file: join(dir, `blast-${id}-recipients.csv`) },
  ]);

  const csv = readFileSync(result.blasts[0].file, 'utf8').trim().split('\n');
  expect(csv[0]).toBe(
    'id,phone_number,variables,message_id,status,attempts,last_error,queued_at,sent_at,delivered_at,read_at,replied_at,closed_at,failed_at,close_outcome,close_note',
  );
  expect(csv).toHaveLength(phones.length + 1);
  for (const p of phones) expect(csv.some((l) => l.includes(`,${p},`) && l.includes(',READ_ACK,'))).toBe(true);
  expect(csv[1]).toContain('"{""name"": ""Siti, 0""}"');
  expect(existsSync(`${result.blasts[0].file}.part`)).toBe(false);

  expect((await app.api('GET', `/api/blasts/${id}/recipients`)).body.total).toBe(0);
  const after = (await app.api('GET', `/api/blasts/${id}`)).body;
  expect(after.report).toEqual(before.report);
  expect(after.archived_at).not.toBeNull();
  expect(after.archive_file).toBe(result.blasts[0].file);
  expect(await funnel(byDay)).toEqual(dayBefore);
  expect(await funnel(byStage)).toEqual(stageBefore);
  expect((await app.api('GET', `/api/blasts/${draft}/recipients`)).body.total).toBe(1);

  // Nothing left to do: a second run archives nothing and leaves the file as it was.
  const again = await app.api('POST', '/api/archive', { before: tomorrow });
  expect(again.status).toBe(200);
  expect(again.body.blasts).toEqual([]);
  expect(readFileSync(result.blasts[0].file, 'utf8').trim().split('\n')).toEqual(csv);
  expect((await app.api('POST', '/api/archive', { before: 'soon' })).status).toBe(400);
});
