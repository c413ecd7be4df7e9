/**
 * startup: milliseconds from spawning `node dist/main.js serve` to its first `/healthz` 200 on
 * PostgreSQL (migrations already applied, as on every start but the first) — against the same
 * sources run through tsx (`node --import tsx src/main.ts serve`, tsx's cache warm). Both start
 * alternately in the same run, `rounds` times each after one unmeasured start of each; the median
 * counts. dist/ is built first when missing or stale.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stale } from '../scripts/build.mjs';
import { freePort } from '../test/helpers/freePort.ts';
import { createBenchDatabase } from './lib/db.ts';
import { sleep } from './lib/http.ts';
import { type BenchOutcome, round } from './lib/result.ts';

export const STARTUP_GOAL_MS = 1_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMMANDS = {
  compiled: ['dist/main.js', 'serve'],
  tsx: ['--import', 'tsx', 'src/main.ts', 'serve'],
} as const;

export async function startup(rounds: number): Promise<BenchOutcome> {
  if (stale().includes('server')) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const db = await createBenchDatabase('startup');
  try {
    const times: Record<keyof typeof COMMANDS, number[]> = { compiled: [], tsx: [] };
    for (let i = 0; i <= rounds; i++) {
      for (const kind of ['compiled', 'tsx'] as const) {
        const ms = await timeToHealthy(COMMANDS[kind], db.url);
        if (i > 0) times[kind].push(ms); // round 0 applies the migrations and warms tsx's cache
      }
    }
    const compiled = median(times.compiled);
    const tsx = median(times.tsx);
    const ratio = tsx / compiled;
    return {
      result: {
        name: 'startup',
        value: round(compiled),
        unit: 'ms',
        baseline: round(tsx),
        ratio: round(ratio),
        goal: `≤ ${STARTUP_GOAL_MS} ms and ≥ 2× faster`,
        met: compiled <= STARTUP_GOAL_MS && ratio >= 2,
      },
      details: { rounds, compiled_ms: times.compiled.map((t) => round(t)), tsx_ms: times.tsx.map((t) => round(t)) },
    };
  } finally {
    await db.drop();
  }
}

/** Spawns one wablast, polls /healthz until 200, stops it (SIGTERM) and returns the time to healthy. */
async function timeToHealthy(args: readonly string[], databaseUrl: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`wablast exited with ${child.exitCode}: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - t0;
      if (performance.now() - t0 > 60_000) throw new Error('wablast did not answer /healthz within 60 s');
      await sleep(5);
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
