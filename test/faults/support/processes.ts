import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Json } from '../../helpers/json.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type Role = 'all' | 'api' | 'engine';

/** One `wablast serve` child process, started the way an operator would start it. */
export interface WablastProcess {
  readonly role: Role;
  readonly pid: number;
  /** Base URL of its HTTP server ('' for an engine started without PORT). */
  readonly url: string;
  /** The engine's lease owner id (host:pid:random), null for api processes. */
  readonly owner: string | null;
  /** Everything it printed, newest last (capped). */
  readonly logs: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: boolean;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM and wait for the exit; SIGKILL if it takes longer than `ms`. */
  stop(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const MAX_LOG_LINES = 2000;

/**
 * `node --import tsx src/main.ts serve --role=<role>` with `env` (plus PATH/HOME), resolved once
 * the process logs "wablast is running". Pino's JSON lines are kept for diagnostics.
 */
export async function spawnWablast(role: Role, env: Record<string, string>, startMs = 60_000): Promise<WablastProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', `--role=${role}`], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let url = '';
  let owner: string | null = null;
  let alive = true;
  let onReady: (() => void) | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      resolve({ code, signal });
    });
  });
  const take = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        logs.push(line);
        if (logs.length > MAX_LOG_LINES) logs.splice(0, logs.length - MAX_LOG_LINES);
        if (!line.startsWith('{')) continue;
        try {
          const o = JSON.parse(line) as { msg?: string; url?: string; owner?: string };
          if (o.msg === 'engine started' && o.owner) owner = o.owner;
          if (o.msg === 'wablast is running') {
            url = o.url ?? '';
            onReady?.();
          }
        } catch {
          // not a log line
        }
      }
    });
  };
  take(child.stdout);
  take(child.stderr);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wablast --role=${role} did not start within ${startMs} ms:\n${logs.slice(-30).join('\n')}`));
    }, startMs);
    onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`wablast --role=${role} exited (${code ?? signal}) before it was ready:\n${logs.slice(-30).join('\n')}`));
    });
  });

  const proc: WablastProcess = {
    role,
    pid: child.pid!,
    url,
    owner,
    logs,
    exited,
    get alive() {
      return alive;
    },
    kill: (signal) => {
      if (alive) child.kill(signal);
    },
    stop: async (ms = 40_000) => {
      if (!alive) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  return proc;
}

/** Log lines (parsed) whose msg matches. */
export function logLines(p: WablastProcess, msg: string | RegExp): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of p.logs) {
    if (!line.startsWith('{')) continue;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      const m = String(o.msg ?? '');
      if (typeof msg === 'string' ? m === msg : msg.test(m)) out.push(o);
    } catch {
      // ignore
    }
  }
  return out;
}

/** JSON over HTTP to a wablast process. */
export async function api<T = Json>(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // text
  }
  return { status: res.status, body: parsed as T };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `n` distinct Malaysian mobile numbers starting at `start` (E.164, as wablast stores them). */
export const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+6013${String(3_000_001 + start + i)}`);
