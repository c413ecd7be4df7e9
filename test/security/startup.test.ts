import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startWablast } from '../../src/app.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

/**
 * Before this, `npm start` listened on every interface without a word, and any API_TOKEN was
 * accepted, even `abc`.
 */
function serve(env: Record<string, string>): { status: number | null; stderr: string } {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(API_TOKEN|HOST|PORT|WEBHOOK_SECRET|DATABASE_URL)$/.test(k)),
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

const lanAddress = (): string | undefined =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('start-up', () => {
  it('refuses a non-loopback HOST without API_TOKEN, in one line naming both', () => {
    const r = serve({ HOST: '0.0.0.0' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/HOST.*API_TOKEN/);
  });

  it('refuses an API_TOKEN shorter than 32 characters, naming it but not echoing it', () => {
    const r = serve({ API_TOKEN: 'abc-short-token' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('API_TOKEN');
    expect(r.stderr).toContain('openssl rand -hex 32');
    expect(r.stderr).not.toContain('abc-short-token');
  });

  it('with nothing configured listens on loopback only: another interface of this machine is not answered', async () => {
    const lan = lanAddress();
    const db = await createTestDatabase();
    const handle = await startWablast(loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }), { database: db, simulator: { seed: 1 } });
    try {
      const port = Number(new URL(handle.url).port);
      expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
      expect((await fetch(`${handle.url}/healthz`)).status).toBe(200);
      if (lan) {
        const reached = await new Promise<boolean>((resolve) => {
          const s = connect({ host: lan, port }, () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        });
        expect(reached, `port ${port} answered on ${lan}`).toBe(false);
      }
    } finally {
      await handle.close();
      await db.close();
    }
  });
});
