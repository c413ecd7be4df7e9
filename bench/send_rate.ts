/**
 * send_rate: messages per second achieved sending one blast through the simulator, limited to
 * LIMIT accepted messages per second per device with 50 ms latency, against the limit itself.
 *
 * The clock starts just before POST /api/blasts/:id/send and stops when the simulator accepted the
 * last message (its own acceptance time). The blast must then complete with every recipient sent
 * exactly once, which the simulator's per-number tally checks.
 */
import { randomBytes } from 'node:crypto';
import { WsapmeSimulator } from '../sim/simulator.ts';
import { AppProcess } from './lib/appProcess.ts';
import { createBenchDatabase, pgClient } from './lib/db.ts';
import type { DelayProxy } from './lib/delayProxy.ts';
import { api, sleep, until } from './lib/http.ts';
import { phoneNumbers } from './lib/phones.ts';
import { type BenchOutcome, round } from './lib/result.ts';

export const LIMIT = 500;
export const SIM_OPTIONS = {
  ratePerSecond: LIMIT,
  statusRatePerSecond: LIMIT,
  latencyMs: 50,
  latencyJitterMs: 0,
  notOnWhatsAppSuffix: null,
  seed: 20240601,
};
/** What an operator would set for a device the gateway allows 500/s on. */
// fast: the gateway's limit is what this row measures (a real gateway URL would default to safe).
export const ENGINE_ENV = { PACING_PRESET: 'fast', SEND_RATE: String(LIMIT), SEND_BURST: '50', SEND_CONCURRENCY: '64' };

export async function sendRate(
  app: AppProcess,
  sim: WsapmeSimulator,
  databaseUrl: string,
  recipients: number,
): Promise<BenchOutcome & { rate: number }> {
  sim.reset();
  const phones = phoneNumbers(recipients);
  const created = await api<{ blast_id: number; total_recipients: number }>(app.url, 'POST', '/api/blasts', {
    blast_tag: 'bench send_rate',
    message: 'Hello {{phone}}, this is a benchmark',
    recipients: phones,
  });
  if (created.total_recipients !== recipients) throw new Error(`created ${created.total_recipients} of ${recipients}`);

  const t0 = Date.now();
  await api(app.url, 'POST', `/api/blasts/${created.blast_id}/send`);
  // Until the gateway accepted every message, or the blast ended without (UNCERTAIN or FAILED sends: reported below).
  let polls = 0;
  await until(
    async () =>
      sim.stats().accepted >= recipients ||
      (++polls % 50 === 0 && (await api<{ state: string }>(app.url, 'GET', `/api/blasts/${created.blast_id}`)).state === 'completed'),
    600_000,
    10,
  );
  const accepted = sim
    .messages()
    .map((m) => m.acceptedAt)
    .sort((a, b) => a - b);
  const lastAccepted = accepted[accepted.length - 1]!;
  // The middle 80 %: the pace once sending is under way, without start-up and tail.
  const p10 = accepted[Math.floor(accepted.length * 0.1)]!;
  const p90 = accepted[Math.floor(accepted.length * 0.9)]!;
  const steadyRate = (Math.floor(accepted.length * 0.9) - Math.floor(accepted.length * 0.1)) / ((p90 - p10) / 1000);
  const seconds = (lastAccepted - t0) / 1000;
  const rate = recipients / seconds;

  const blast = await until(
    async () => {
      const b = await api<{ state: string; report: { sent: number; failed: number; uncertain: number; queued: number; sending: number } }>(
        app.url,
        'GET',
        `/api/blasts/${created.blast_id}`,
      );
      return b.state === 'completed' ? b : null;
    },
    120_000,
    100,
  );
  const storedAfter = (Date.now() - t0) / 1000;

  // The report's counters (kept by a trigger, folded by the engine) against the table itself, after
  // thousands of concurrent send results and webhooks: stop the webhooks, let the last land, compare.
  const webhookUrl = sim.options.webhookUrl;
  sim.configure({ webhookUrl: null });
  await sleep(1000);
  const report = await api<Record<string, number>>(app.url, 'GET', `/api/blasts/${created.blast_id}/report`);
  const client = pgClient(databaseUrl);
  await client.connect();
  const table = await client
    .query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM blast_recipients WHERE blast_id = $1 GROUP BY status', [
      created.blast_id,
    ])
    .finally(() => client.end());
  sim.configure({ webhookUrl });
  const n = (...statuses: string[]) => table.rows.filter((r) => statuses.includes(r.status)).reduce((a, r) => a + r.n, 0);
  const countersMatch =
    report.total === recipients &&
    report.sent === n('PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED') &&
    report.received === n('DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED') &&
    report.read === n('READ_ACK', 'REPLIED', 'CLOSED') &&
    report.replied === n('REPLIED', 'CLOSED') &&
    report.failed === n('FAILED');

  const tally = Object.values(sim.tally());
  const twice = tally.filter((n) => n > 1).length;
  const stats = sim.stats();
  // Every number accepted by the gateway exactly once, nothing left behind. (Some accepted messages
  // later come back as ERROR webhooks and count as failed: the simulator's delivery failures.)
  const { queued, sending, uncertain } = blast.report;
  const correct = tally.length === recipients && twice === 0 && queued + sending + uncertain === 0 && countersMatch;
  const ratio = rate / LIMIT;
  return {
    rate,
    result: {
      name: 'send_rate',
      value: round(rate),
      unit: 'msg/s',
      baseline: LIMIT,
      ratio: round(ratio),
      goal: '≥ 0.95 of the limit',
      met: correct && ratio >= 0.95,
    },
    details: {
      recipients,
      seconds_to_last_accept: round(seconds),
      ms_to_first_accept: accepted[0]! - t0,
      steady_rate: round(steadyRate),
      seconds_until_blast_completed: round(storedAfter),
      sent: blast.report.sent,
      failed_after_sending: blast.report.failed,
      uncertain,
      sent_twice: twice,
      rejected_429: stats.rejected429,
      busiest_sliding_second: Object.values(stats.peakPerDevicePerSlidingSecond)[0] ?? 0,
      webhooks_sent_meanwhile: stats.webhooksSent,
      report_counters_match_table: countersMatch,
      engine: ENGINE_ENV,
      ...(correct
        ? {}
        : { error: countersMatch ? 'not every recipient was sent exactly once' : "the report's counters disagree with the table" }),
    },
  };
}

/**
 * send_rate_remote: send_rate with wablast reaching PostgreSQL through a DelayProxy, its own
 * simulator, database and process. The baseline stays the gateway's limit: the seed's loop paces
 * itself at ~5 msg/s and would not notice a database 2 ms away.
 */
export async function sendRateRemote(recipients: number, remote: DelayProxy): Promise<BenchOutcome> {
  const sim = await WsapmeSimulator.start(SIM_OPTIONS);
  const db = await createBenchDatabase('send_remote');
  let app: AppProcess | null = null;
  try {
    const secret = randomBytes(12).toString('hex');
    app = await AppProcess.start('send_rate_remote', {
      DATABASE_URL: remote.url(db.url),
      WSAPME_BASE_URL: sim.url,
      WEBHOOK_SECRET: secret,
      ...ENGINE_ENV,
    });
    sim.configure({ webhookUrl: `${app.url}/webhooks/wsapme`, webhookSecret: secret });
    const o = await sendRate(app, sim, db.url, recipients);
    return {
      result: { ...o.result, name: 'send_rate_remote' },
      details: { added_round_trip_ms: remote.roundTripMs, ...(await remote.measure(db.url)), ...o.details },
    };
  } finally {
    await app?.stop();
    await sim.close();
    await db.drop();
  }
}
