/**
 * rss_embedded: the resident memory of wablast with nothing configured — the embedded database
 * (PGlite) in a data directory of its own, as `npm start` runs it on a laptop — idle after start,
 * and its peak (process.resourceUsage().maxRSS, read inside the process) after sending `messages`
 * to the simulator. The baseline is the same process on PostgreSQL, measured the same way in the
 * same run. Only the gateway and the pace are set (send_rate's 500/s: the default 1/s would take
 * minutes). The data directory is new, so the first start's initdb is part of the run (it happens
 * in a short-lived child process: src/db/pgliteOptions.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WsapmeSimulator } from '../sim/simulator.ts';
import { AppProcess } from './lib/appProcess.ts';
import { createBenchDatabase } from './lib/db.ts';
import { api, sleep, until } from './lib/http.ts';
import { phoneNumbers } from './lib/phones.ts';
import { ENGINE_ENV } from './send_rate.ts';
import { type BenchOutcome, round } from './lib/result.ts';

export const RSS_EMBEDDED_GOAL_MB = 250;
const IDLE_SETTLE_MS = 3_000;

interface Measured {
  start_seconds: number;
  idle_mb: number;
  peak_mb: number;
  send_seconds: number;
  sent: number;
}

export async function rssEmbedded(messages: number): Promise<BenchOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'wablast-rss-embedded-'));
  const bdb = await createBenchDatabase('rss_embedded');
  try {
    const embedded = await measure({ DATA_DIR: join(dir, 'data') }, messages);
    const postgres = await measure({ DATABASE_URL: bdb.url }, messages);
    const ok = embedded.sent === messages && postgres.sent === messages;
    return {
      result: {
        name: 'rss_embedded',
        value: embedded.peak_mb,
        unit: 'MB',
        baseline: postgres.peak_mb,
        ratio: round(postgres.peak_mb / embedded.peak_mb),
        goal: `≤ ${RSS_EMBEDDED_GOAL_MB} MB`,
        met: ok && embedded.peak_mb <= RSS_EMBEDDED_GOAL_MB,
      },
      details: { messages, pglite: embedded, postgres, ...(ok ? {} : { error: 'not every message was sent' }) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await bdb.drop();
  }
}

async function measure(database: Record<string, string>, messages: number): Promise<Measured> {
  const sim = await WsapmeSimulator.start({
    ratePerSecond: 500,
    statusRatePerSecond: 500,
    latencyMs: 50,
    latencyJitterMs: 0,
    notOnWhatsAppSuffix: null,
    seed: 7,
  });
  const secret = randomBytes(12).toString('hex');
  let app: AppProcess | null = null;
  try {
    const t0 = performance.now();
    app = await AppProcess.start('rss_embedded', { ...database, WSAPME_BASE_URL: sim.url, WEBHOOK_SECRET: secret, ...ENGINE_ENV });
    const startSeconds = (performance.now() - t0) / 1000;
    sim.configure({ webhookUrl: `${app.url}/webhooks/wsapme`, webhookSecret: secret });
    await sleep(IDLE_SETTLE_MS);
    const idle = await app.usage();

    const created = await api<{ blast_id: number }>(app.url, 'POST', '/api/blasts', {
      message: 'Hello {{phone}}',
      recipients: phoneNumbers(messages),
    });
    const s0 = performance.now();
    await api(app.url, 'POST', `/api/blasts/${created.blast_id}/send`);
    await until(
      async () => (await api<{ state: string }>(app!.url, 'GET', `/api/blasts/${created.blast_id}`)).state === 'completed',
      120_000,
      100,
    );
    const sendSeconds = (performance.now() - s0) / 1000;
    const after = await app.usage();
    return {
      start_seconds: round(startSeconds)!,
      idle_mb: round(idle.memory.rss / 1024 / 1024)!,
      peak_mb: round(after.resourceUsage.maxRSS / 1024)!,
      send_seconds: round(sendSeconds)!,
      sent: Object.keys(sim.tally()).length,
    };
  } finally {
    await app?.stop();
    await sim.close();
  }
}
