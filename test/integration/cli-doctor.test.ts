import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';
import { type TestApp, startTestApp } from '../helpers/testApp.ts';

/** `wablast doctor` as an operator runs it: a child process talking HTTP to a real app on the simulator. */

let app: TestApp;
const wablast = (...args: string[]) => runCli(app.url, ...args);

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('wablast doctor', () => {
  it('prints each check on its own line and exits 0 when nothing is a problem', async () => {
    const r = await wablast('doctor');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    for (const label of [
      'Mode',
      'Gateway reachable',
      'Token accepted',
      'Device',
      'Webhook URL',
      'Last webhook',
      'Status lookup',
      'Sending',
    ]) {
      expect(
        lines.some((l) => new RegExp(`^(ok|unknown) +${label} `).test(l)),
        label,
      ).toBe(true);
    }
    expect(r.stdout).toMatch(/^ok +Token accepted +accepted/m);
    expect(r.stdout).toContain('No problem found.');
  });

  it("sends a test message and prints its message id; --json answers the API's JSON", async () => {
    const r = await wablast('doctor', '--send-test', '+60123450007', '--message', 'doctor test');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Test message to \+60123450007 sent \(message id \S+, blast #\d+\)\.\n$/);
    expect(app.simulator!.tally()['+60123450007']).toBe(1);
    const j = await wablast('--json', 'doctor');
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, problems: 0 });
  });

  it('exits 1 and says PROBLEM when the token is refused', async () => {
    app.simulator!.configure({ refuseToken: true });
    try {
      const r = await wablast('doctor');
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^PROBLEM +Token accepted +refused: Unauthorised Token$/m);
      expect(r.stdout).toContain('1 problem found.');
    } finally {
      app.simulator!.configure({ refuseToken: false });
    }
  });
});
