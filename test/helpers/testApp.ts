import { type Config, loadConfig } from '../../src/config.ts';
import { type StartOptions, type WablastHandle, startWablast } from '../../src/app.ts';
import type { SimOptions } from '../../sim/simOptions.ts';
import type { Json } from './json.ts';
import { type TestDb, createTestDatabase } from './testDatabase.ts';

export interface TestApp extends WablastHandle {
  db: TestDb;
  api<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

/**
 * The whole service on a fresh database and the in-process simulator over real HTTP, on a free
 * port. `env` is what an operator would set; the simulator is tuned through `sim`.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  sim: Partial<SimOptions> = {},
  opts: StartOptions = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config: Config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SEND_RATE: '200', SEND_BURST: '20', LOG_LEVEL: 'silent', ...env });
  const handle = await startWablast(config, {
    database: db,
    simulator: {
      seed: 42,
      errorProbability: 0,
      stopProbability: 0,
      ratePerSecond: 1000,
      statusRatePerSecond: 1000,
      deliverDelayMs: [5, 30],
      readDelayMs: [5, 50],
      replyDelayMs: [5, 50],
      ...sim,
    },
    ...opts,
  });
  const api: TestApp['api'] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${handle.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // CSV and other text bodies stay text
    }
    return { status: res.status, body: parsed as Json, headers: res.headers };
  };
  const closeApp = handle.close;
  return Object.assign(handle, {
    db,
    api,
    close: async () => {
      await closeApp();
      await db.close();
    },
  });
}

/** Polls `check` until it returns a truthy value or `ms` pass (then throws with the last value). */
export async function eventually<T>(check: () => Promise<T>, ms = 30_000, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Creates a blast of `recipients`, sends it and waits until it is completed; returns its id. */
export async function sendBlastToCompletion(a: TestApp, recipients: string[], ms = 60_000): Promise<number> {
  const created = await a.api('POST', '/api/blasts', { message: 'Hi', recipients });
  const id = created.body.blast_id as number;
  await a.api('POST', `/api/blasts/${id}/send`);
  await eventually(async () => (await a.api('GET', `/api/blasts/${id}`)).body.state === 'completed', ms);
  return id;
}
