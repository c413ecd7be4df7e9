import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start` as a newcomer and a supervisor use it: on a copy of the tree with no dist/ it builds,
 * then serves; a SIGTERM to its whole process group (Ctrl-C, `docker stop`, systemd) reaches the
 * server, which shuts down cleanly, and nothing of it is left running.
 * The copy shares node_modules by a symlink, so the build never touches this tree's dist/ or web/dist.
 * Runs once (pglite project): the server uses PGlite in a temporary DATA_DIR either way.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wablast-start-'));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** Live (not zombie) processes in a process group. */
function liveInGroup(pgid: number): string[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,stat=,args=', '-g', String(pgid)], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.trim() && !/^\s*\d+\s+Z/.test(l));
  } catch {
    return []; // ps exits 1 when the group is empty
  }
}

describe.skipIf(process.env.WABLAST_TEST_DB === 'postgres')('npm start', () => {
  it('builds a fresh copy, serves, and stops cleanly when its process group gets SIGTERM', async () => {
    const app = join(work, 'app');
    for (const part of ['src', 'sim', 'web', 'scripts', 'bin', 'package.json', 'package-lock.json']) {
      cpSync(join(ROOT, part), join(app, part), { recursive: true, filter: (p) => !/[/\\](dist|node_modules)$/.test(p) });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');

    child = spawn('npm', ['start'], {
      cwd: app,
      detached: true, // its own process group, as a terminal or supervisor would start it
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: join(work, 'data'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));

    const url = await new Promise<string>((resolve, reject) => {
      const onData = () => {
        const m = /"url":"(http:[^"]+)".*"msg":"wablast is running"/.exec(out);
        if (m) resolve(m[1]!);
      };
      child!.stdout!.on('data', onData);
      void exited.then(() => reject(new Error(`npm start exited before serving:\n${out}`)));
    });
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'web/dist/index.html'))).toBe(true);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // The server's own shutdown ran to its end (a forced exit would log "exiting now").
    await expect.poll(() => out, { timeout: 30_000 }).toMatch(/"msg":"stopped cleanly"/);
    expect(out).not.toMatch(/exiting now/);
    await expect.poll(() => liveInGroup(child!.pid!), { timeout: 30_000 }).toEqual([]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 300_000); // two builds and a first PGlite start: slow on a busy machine
});
