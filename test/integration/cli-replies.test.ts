import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

/** `wablast replies` as a user runs it: a child process talking HTTP to a real app with replying phones. */
let app: TestApp;
let blastId: number;

const wablast = (...args: string[]) => runCli(app.url, ...args);

beforeAll(async () => {
  app = await startTestApp({ POLL_MODE: 'off' }, { deliverProbability: 1, readProbability: 1, replyProbability: 1 });
  const phones = Array.from({ length: 4 }, (_, i) => `+6016${String(7_123_451 + i)}`);
  const created = await app.api('POST', '/api/blasts', {
    message: 'Hi {{name}}',
    blast_tag: 'CLI',
    recipients: phones.map((phone, i) => ({ phone, name: `Ali ${i}` })),
  });
  blastId = created.body.blast_id;
  await app.api('POST', `/api/blasts/${blastId}/send`);
  await eventually(async () => (await app.api('GET', `/api/replies?blast_id=${blastId}`)).body.total === phones.length, 60_000);
});
afterAll(async () => app?.close());

it('lists the replies of a blast with their text, the open ones, and searches', async () => {
  const { replies } = (await app.api('GET', `/api/replies?blast_id=${blastId}`)).body;
  const all = await wablast('replies', '--blast', String(blastId));
  expect(all.code).toBe(0);
  for (const r of replies) {
    expect(all.stdout).toContain(r.phone);
    expect(all.stdout).toContain(r.text.replace(/\s+/g, ' ').slice(0, 40));
  }
  expect(all.stdout).toContain('Ali ');
  expect(all.stdout).toContain(`${replies.length} replies`);

  await app.api('POST', `/api/recipients/${replies[0].recipient_id}/close`, { outcome: 'won' });
  const open = await wablast('replies', '--blast', String(blastId), '--open', '--json');
  expect(JSON.parse(open.stdout).total).toBe(replies.length - 1);
  const closed = await wablast('replies', '--blast', String(blastId));
  expect(closed.stdout).toContain('Closed (won)');

  const local = `0${replies[1].phone.slice(3)}`;
  const found = await wablast('replies', '--q', local, '--json');
  expect(JSON.parse(found.stdout).replies.map((r: { phone: string }) => r.phone)).toEqual([replies[1].phone]);

  const bad = await wablast('replies', '--blast', 'x');
  expect(bad.code).not.toBe(0);
});
