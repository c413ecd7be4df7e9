import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `wablast serve` as a person sees it. On a terminal (a pseudo-terminal from `script`): human
 * lines and a banner whose plain lines hold the dashboard and /docs addresses and the mode. Piped:
 * JSON lines a collector can read. A busy port: one line saying what to do, no stack.
 * Runs once (pglite project): the server uses PGlite in memory either way.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];
let blocker: Server | undefined;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
});

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(API_TOKEN|HOST|PORT|WEBHOOK_SECRET|DATABASE_URL|WSAPME_BASE_URL|LOG_FORMAT|PUBLIC_URL)$/.test(k),
    ),
  );
  return { ...clean, DATA_DIR: 'memory://', LOG_LEVEL: 'info', ...extra };
}

/** Starts a command in its own process group and collects stdout and stderr together. */
function run(
  cmd: string,
  args: string[],
  e: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(cmd, args, { cwd: ROOT, env: e, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

const SERVE = `${JSON.stringify(process.execPath)} --import tsx src/main.ts serve`;

describe.skipIf(process.env.WABLAST_TEST_DB === 'postgres')('the terminal of wablast serve', () => {
  it('on a terminal: human lines and a banner with the dashboard and /docs addresses and the mode', async () => {
    const r = run('script', ['-qec', SERVE, '/dev/null'], env({ PORT: '0', NO_COLOR: '1' }));
    await expect.poll(r.output, { timeout: 60_000 }).toMatch(/API docs +http:\/\/127\.0\.0\.1:\d+\/docs/);
    const text = r.output().replace(/\r/g, '');
    const dashboard = /^ {2}Dashboard +(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(text);
    expect(dashboard, text).not.toBeNull();
    expect(text).toMatch(/^ {2}Gateway +SIMULATOR/m);
    expect(text).toMatch(/^ {2}Database +embedded PGlite/m);
    // Human lines: a clock time and a level, never a JSON record or an epoch time.
    expect(text).toMatch(/^\d\d:\d\d:\d\d INFO {2}engine {2}engine started/m);
    expect(text).not.toMatch(/"level":/);
    expect((await fetch(`${dashboard![1]}healthz`)).status).toBe(200);
    process.kill(-r.child.pid!, 'SIGTERM');
    await r.exited;
  });

  it('piped: JSON lines, the addresses and the mode as fields', async () => {
    const r = run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], env({ PORT: '0' }));
    await expect.poll(r.output, { timeout: 60_000 }).toMatch(/"msg":"wablast is running"/);
    const line = r
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"wablast is running"'))!;
    const rec = JSON.parse(line) as Record<string, unknown>;
    expect(rec).toMatchObject({ gateway: 'simulator', database: 'pglite', role: 'all' });
    expect(rec.docs).toBe(`${rec.url as string}/docs`);
    process.kill(-r.child.pid!, 'SIGTERM');
    await r.exited;
  });

  it('a busy port: one line saying what to do, exit 1, no stack', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)),
    );
    const r = run('script', ['-qec', SERVE, '/dev/null'], env({ PORT: String(port), NO_COLOR: '1' }));
    const code = await r.exited;
    const text = r.output().replace(/\r/g, '');
    expect(text).toContain(`error: port ${port} is in use — set PORT or stop the other process`);
    expect(text).not.toMatch(/^\s+at /m);
    expect(code).not.toBe(0);
  });
});
