/**
 * freshness: how long from the simulated gateway posting a delivery or read webhook to a dashboard
 * subscriber of GET /api/blasts/:id/events (server-sent events) seeing it in the blast's report,
 * during a blast sent at 500/s. p50 and p99 over every recipient's first delivery (or read) webhook
 * and first read webhook.
 *
 * The reports carry counts, not ids, so an event is matched by rank: the k-th recipient to get a
 * first status webhook is seen when a report first shows received ≥ k (the same for reads), which
 * is exact when they are applied in the order posted and an estimate otherwise. The simulator
 * speaks the flat `seed` dialect here, so the bench can read each webhook's message id and status.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { WsapmeSimulator } from '../sim/simulator.ts';
import { AppProcess } from './lib/appProcess.ts';
import { createBenchDatabase } from './lib/db.ts';
import { api, sleep, until } from './lib/http.ts';
import { phoneNumbers } from './lib/phones.ts';
import { type BenchOutcome, round } from './lib/result.ts';
import { ENGINE_ENV, LIMIT } from './send_rate.ts';

export const FRESHNESS_GOAL = 'p99 ≤ 1 s';

export async function freshness(recipients: number): Promise<BenchOutcome> {
  const sim = await WsapmeSimulator.start({
    dialect: 'seed',
    ratePerSecond: LIMIT,
    statusRatePerSecond: LIMIT,
    latencyMs: 50,
    latencyJitterMs: 0,
    notOnWhatsAppSuffix: null,
    deliverDelayMs: [100, 2_000],
    readDelayMs: [500, 5_000],
    replyProbability: 0,
    seed: 11,
  });
  const db = await createBenchDatabase('freshness');
  const secret = randomBytes(12).toString('hex');
  let app: AppProcess | null = null;
  const abort = new AbortController();
  try {
    app = await AppProcess.start('freshness', { DATABASE_URL: db.url, WSAPME_BASE_URL: sim.url, WEBHOOK_SECRET: secret, ...ENGINE_ENV });
    sim.configure({ webhookUrl: `${app.url}/webhooks/wsapme`, webhookSecret: secret });
    const created = await api<{ blast_id: number }>(app.url, 'POST', '/api/blasts', {
      message: 'Hi {{phone}}',
      recipients: phoneNumbers(recipients),
    });

    // What the gateway posted: the first status webhook per message, and the first read.
    const firstStatus = new Map<string, number>();
    const firstRead = new Map<string, number>();
    sim.onWebhookPost((payload, at) => {
      const p = payload as { messageId?: string; status?: string };
      if (!p.messageId || (p.status !== 'DELIVERY_ACK' && p.status !== 'READ_ACK')) return;
      if (!firstStatus.has(p.messageId)) firstStatus.set(p.messageId, at);
      if (p.status === 'READ_ACK' && !firstRead.has(p.messageId)) firstRead.set(p.messageId, at);
    });

    // What the dashboard saw: every report pushed, with when it arrived.
    const seen: Array<{ at: number; received: number; read: number }> = [];
    const sse = await request(`${app.url}/api/blasts/${created.blast_id}/events`, { signal: abort.signal });
    const reading = (async () => {
      let buf = '';
      for await (const chunk of sse.body) {
        buf += chunk.toString();
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (!frame.includes('event: report') || !data) continue;
          const { report } = JSON.parse(data.slice(6)) as { report: { received: number; read: number } };
          seen.push({ at: Date.now(), received: report.received, read: report.read });
        }
      }
    })().catch(() => undefined);

    await api(app.url, 'POST', `/api/blasts/${created.blast_id}/send`);
    // All sent, then the last reads (read delays are at most 5 s), then the dashboard catching up.
    await until(() => sim.stats().accepted >= recipients, 300_000, 50);
    await sleep(8_000);
    const caughtUp = await until(
      () => {
        const last = seen.at(-1);
        return last !== undefined && last.received >= firstStatus.size && last.read >= firstRead.size;
      },
      60_000,
      50,
    ).then(
      () => true,
      () => false,
    );
    const lags = [...lagsByRank([...firstStatus.values()], seen, 'received'), ...lagsByRank([...firstRead.values()], seen, 'read')];
    abort.abort();
    await reading;
    if (lags.length === 0) throw new Error('no webhook was seen by the dashboard');
    lags.sort((a, b) => a - b);
    const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]!;
    const p99 = q(0.99);
    return {
      result: {
        name: 'freshness',
        value: round(p99),
        unit: 'ms (p99)',
        baseline: null,
        ratio: null,
        goal: FRESHNESS_GOAL,
        met: p99 <= 1000,
      },
      details: {
        recipients,
        send_rate: LIMIT,
        events_matched: lags.length,
        first_status_webhooks: firstStatus.size,
        first_read_webhooks: firstRead.size,
        reports_pushed: seen.length,
        dashboard_caught_up: caughtUp,
        p50_ms: round(q(0.5)),
        p90_ms: round(q(0.9)),
        p99_ms: round(p99),
        max_ms: round(lags.at(-1)!),
      },
    };
  } finally {
    abort.abort();
    sim.onWebhookPost(null);
    await app?.stop();
    await sim.close();
    await db.drop();
  }
}

/** For the k-th post (in time order), how long until a report showed at least k. */
function lagsByRank(posted: number[], seen: Array<{ at: number; received: number; read: number }>, field: 'received' | 'read'): number[] {
  posted.sort((a, b) => a - b);
  const lags: number[] = [];
  let j = 0;
  for (let k = 1; k <= posted.length; k++) {
    while (j < seen.length && seen[j]![field] < k) j++;
    if (j === seen.length) break;
    lags.push(Math.max(0, seen[j]!.at - posted[k - 1]!));
  }
  return lags;
}
