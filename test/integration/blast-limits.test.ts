import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { numbers, postForm, unchanged } from '../helpers/blastRequests.ts';
import { expectError } from '../helpers/expectError.ts';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';

/** MAX_RECIPIENTS (issue 2): the most recipients one blast may have, from JSON and from CSV. */

describe('blast API: MAX_RECIPIENTS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ MAX_RECIPIENTS: '50' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('accepts exactly the maximum', async () => {
    const res = await app.api('POST', '/api/blasts', { message: 'Hi', recipients: numbers(50) });
    expect(res.status).toBe(201);
    expect(res.body.total_recipients).toBe(50);
  });

  it('more than MAX_RECIPIENTS → 413 with a clear message, nothing persisted', async () => {
    const res = await unchanged(app, () => app.api('POST', '/api/blasts', { message: 'Hi', recipients: numbers(51, 100) }));
    const error = expectError(res, 413, 'too_many_recipients');
    expect(error.message).toContain('50');
  });

  it('far more than MAX_RECIPIENTS → 413 before any work', async () => {
    expectError(
      await unchanged(app, () => app.api('POST', '/api/blasts', { message: 'Hi', recipients: numbers(1_000, 200) })),
      413,
      'too_many_recipients',
    );
  });

  it('duplicates and invalid entries do not count against the maximum', async () => {
    const recipients = [...numbers(50, 2_000), ...numbers(20, 2_000), 'junk', 'junk'];
    const res = await app.api('POST', '/api/blasts', { message: 'Hi', recipients });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ total_recipients: 50, duplicates: 20 });
  });

  it('a CSV with more rows than the maximum → 413, nothing persisted', async () => {
    const csv = `phone\n${numbers(51, 3_000).join('\n')}\n`;
    expectError(await unchanged(app, () => postForm(app, '/api/blasts/upload', csv)), 413, 'too_many_recipients');
    const huge = `phone\n${numbers(500, 4_000).join('\n')}\n`;
    expectError(await unchanged(app, () => postForm(app, '/api/blasts', huge)), 413, 'too_many_recipients');
  });
});
