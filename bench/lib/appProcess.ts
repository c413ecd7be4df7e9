import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../../scripts/build.mjs';

const COMPILED_DIR = fileURLToPath(new URL('../.compiled', import.meta.url));
let compiled: Promise<string> | null = null;

/**
 * appChild.ts compiled the way `npm run build` compiles the server (scripts/build.mjs), once per
 * run: the benchmarks measure what production runs, without tsx's loader in the process.
 */
function compiledChild(): Promise<string> {
  compiled ??= bundle({ entryPoints: { appChild: fileURLToPath(new URL('./appChild.ts', import.meta.url)) }, outdir: COMPILED_DIR }).then(
    () => join(COMPILED_DIR, 'appChild.js'),
  );
  return compiled;
}

export interface Usage {
  resourceUsage: NodeJS.ResourceUsage;
  memory: NodeJS.MemoryUsage;
}

const running = new Set<AppProcess>();

/**
 * A wablast process started for one benchmark: `url` is its HTTP server, `baselinesUrl` the
 * seed-approach routes when asked for. Its log goes to a file in the temp directory.
 */
export class AppProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (body: unknown) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly baselinesUrl: string | null,
    readonly logFile: string,
  ) {
    child.on('message', (m: { type: string; id?: number; body?: unknown }) => {
      if (m.type === 'reply' && m.id !== undefined) {
        this.waiting.get(m.id)?.(m.body);
        this.waiting.delete(m.id);
      }
    });
  }

  static async start(label: string, env: Record<string, string>): Promise<AppProcess> {
    const logFile = join(tmpdir(), `wablast-bench-${label}.log`);
    const fd = openSync(logFile, 'w');
    const child = fork(await compiledChild(), [], {
      // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each wablast process there (open in Chrome DevTools).
      // MEMORY_MODE=fast measures V8's default heap policy instead of the server's default (lean).
      // BENCH_NODE_ARGS adds Node flags to it (e.g. `--expose-gc --heapsnapshot-signal=SIGUSR2` to study its memory).
      execArgv: [
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ],
      env: {
        PATH: process.env.PATH ?? '',
        MEMORY_MODE: process.env.MEMORY_MODE ?? 'lean',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', fd, fd, 'ipc'],
    });
    closeSync(fd);
    const ready = await new Promise<{ url: string; baselinesUrl: string | null }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wablast did not start within 60 s; see ${logFile}`)), 60_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`wablast exited with ${code} before it was ready: ${tail(logFile)}`));
      });
      child.on('message', (m: { type: string; url?: string; baselinesUrl?: string | null }) => {
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        resolve({ url: m.url!, baselinesUrl: m.baselinesUrl ?? null });
      });
    });
    const p = new AppProcess(child, ready.url, ready.baselinesUrl, logFile);
    running.add(p);
    return p;
  }

  /** process.resourceUsage() and memoryUsage() of the wablast process (maxRSS is its peak, in KiB). */
  usage(): Promise<Usage> {
    return this.ask('usage') as Promise<Usage>;
  }

  /** Graceful shutdown (as on SIGTERM), killed if it takes longer than 30 s. */
  async stop(): Promise<void> {
    if (!running.delete(this)) return;
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    this.ask('stop').catch(() => undefined);
    await exited;
    clearTimeout(kill);
  }

  private ask(type: string): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, resolve);
      this.child.send({ type, id }, (err) => err && reject(err));
    });
  }
}

export async function stopAllApps(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}
