/**
 * `npm run bench` — every benchmark of issue 6, each a ratio against a baseline measured in the same
 * run (these machines are shared and noisy), printed as a table and written to bench/results.json.
 * `npm run bench -- --quick` runs small versions (under a minute; CI runs it to keep them working).
 * `--only send_rate,report_1m` runs a subset. Benchmarks never fail: the exit code is always 0,
 * and each row says whether its goal was met.
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (BENCH_DATABASE_URL to change; each benchmark creates a fresh
 * database and drops it). The simulator runs in this process over real HTTP; wablast runs in a
 * child process (bench/lib/appChild.ts) so its CPU and memory are its own.
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WsapmeSimulator } from '../sim/simulator.ts';
import { create100k } from './create_100k.ts';
import { AppProcess, stopAllApps } from './lib/appProcess.ts';
import { ADMIN_URL, createBenchDatabase, dropAllBenchDatabases, postgresVersion } from './lib/db.ts';
import { type BenchOutcome, type BenchResult, type Details, formatTable, notRun, writeResults } from './lib/result.ts';
import { pacingRealism } from './pacing_realism.ts';
import { pollCost } from './poll_cost.ts';
import { report1m } from './report_1m.ts';
import { reportAggregate } from './report_aggregate.ts';
import { RSS_EMBEDDED_GOAL_MB, rssEmbedded } from './rss_embedded.ts';
import { SCALE_GOAL, scale10m } from './scale_10m.ts';
import { FRESHNESS_GOAL, freshness } from './freshness.ts';
import { POOL_GOAL, sendRatePool } from './send_rate_pool.ts';
import { RSS_GOAL_MB, rssPeak } from './rss_peak.ts';
import { ENGINE_ENV, SIM_OPTIONS, sendRate, sendRateRemote } from './send_rate.ts';
import { sendRateSeed } from './send_rate_seed.ts';
import { STARTUP_GOAL_MS, startup } from './startup.ts';
import { WEBHOOK_REMOTE_GOAL, webhookIngest } from './webhook_ingest.ts';
import { DelayProxy } from './lib/delayProxy.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? new Set((onlyArg.includes('=') ? onlyArg.split('=')[1]! : (args[args.indexOf(onlyArg) + 1] ?? '')).split(','))
  : null;

/** Sizes: the issue's for a full run; small ones for --quick. */
const SIZE = quick
  ? {
      pacing: 150,
      pacingFast: 500,
      startupRounds: 2,
      send: 1_000,
      seedSample: 30,
      webhooks: 2_000,
      webhookWarmup: 300,
      pollRecipients: 2_000,
      report: 100_000,
      reportSamples: 10,
      csv: 10_000,
      insertSample: 500,
      aggBlasts: 100,
      aggRecipients: 200_000,
      aggSamples: 10,
      aggScanSamples: 2,
      embeddedSend: 300,
      scaleSmall: 20_000,
      scaleBig: 200_000,
      scaleHot: 2_000,
      scaleSamples: 15,
      freshness: 1_000,
      pool: 1_000,
    }
  : {
      pacing: 500,
      pacingFast: 1_500,
      startupRounds: 5,
      send: 5_000,
      seedSample: 250,
      webhooks: 20_000,
      webhookWarmup: 2_000,
      pollRecipients: 20_000,
      report: 1_000_000,
      reportSamples: 40,
      csv: 100_000,
      insertSample: 5_000,
      aggBlasts: 1_000,
      aggRecipients: 10_000_000,
      aggSamples: 40,
      aggScanSamples: 1,
      embeddedSend: 1_000,
      scaleSmall: 100_000,
      scaleBig: 10_000_000,
      scaleHot: 10_000,
      scaleSamples: 40,
      freshness: 5_000,
      pool: 20_000,
    };

/** The round trip the proxy adds for the *_remote rows (BENCH_REMOTE_RTT_MS; Neon from a nearby region: 1–3 ms). */
const REMOTE_RTT_MS = Number(process.env.BENCH_REMOTE_RTT_MS ?? 2);

const ORDER = [
  'startup',
  'send_rate',
  'send_rate_seed',
  'pacing_realism',
  'webhook_ingest',
  'poll_cost',
  'report_1m',
  'report_aggregate',
  'create_100k',
  'rss_peak',
  'rss_embedded',
  'send_rate_remote',
  'webhook_ingest_remote',
  'report_1m_remote',
  'scale_10m',
  'freshness',
  'send_rate_pool',
] as const;
type Name = (typeof ORDER)[number];
const UNITS: Record<Name, [string, string]> = {
  startup: ['ms', `≤ ${STARTUP_GOAL_MS} ms and ≥ 2× faster`],
  send_rate: ['msg/s', '≥ 0.95 of the limit'],
  send_rate_seed: ['msg/s', 'report the speed-up'],
  pacing_realism: ['× ETA', 'caps, gaps ≥ min, CV ≥ 0.3, ±10 % of ETA; fast ≥ 0.95'],
  webhook_ingest: ['events/s', '≥ 2× naive and ≥ 5,000/s'],
  poll_cost: ['calls/recipient', '≥ 100× fewer calls'],
  report_1m: ['ms', '≤ 50 ms and ≥ 3× faster'],
  report_aggregate: ['ms', '≤ 50 ms and ≥ 10× faster'],
  create_100k: ['s', '≤ 3 s and ≥ 10× faster'],
  rss_peak: ['MB', `≤ ${RSS_GOAL_MB} MB`],
  send_rate_remote: ['msg/s', '≥ 0.95 of the limit'],
  webhook_ingest_remote: ['events/s', WEBHOOK_REMOTE_GOAL],
  report_1m_remote: ['ms', '≤ 50 ms and ≥ 3× faster'],
  scale_10m: ['× cost', SCALE_GOAL],
  freshness: ['ms (p99)', FRESHNESS_GOAL],
  send_rate_pool: ['msg/s', POOL_GOAL],
  rss_embedded: ['MB', `≤ ${RSS_EMBEDDED_GOAL_MB} MB`],
};

const outcomes = new Map<Name, BenchOutcome>();
const wanted = (n: Name) => !only || only.has(n);
const log = (s: string) => process.stderr.write(`${s}\n`);

async function step(name: Name, fn: () => Promise<BenchOutcome> | BenchOutcome): Promise<void> {
  if (!wanted(name)) return;
  log(`▸ ${name}${quick ? ' (quick)' : ''}…`);
  const t0 = performance.now();
  try {
    outcomes.set(name, await fn());
  } catch (err) {
    outcomes.set(name, notRun(name, UNITS[name][0], UNITS[name][1], (err as Error).message ?? String(err)));
  }
  log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const pgVersion = await postgresVersion();
  if (!pgVersion) {
    await step('poll_cost', () => pollCost(SIZE.pollRecipients)); // needs no database
    for (const n of ORDER)
      if (wanted(n) && !outcomes.has(n))
        outcomes.set(n, notRun(n, UNITS[n][0], UNITS[n][1], 'PostgreSQL is not reachable (127.0.0.1:5432 or BENCH_DATABASE_URL)'));
    return finish(started, pgVersion);
  }

  // First, while nothing else runs: process start to /healthz, compiled against tsx.
  await step('startup', () => startup(SIZE.startupRounds));

  // send_rate, create_100k and rss_peak share one wablast process: rss_peak is its peak during both.
  if (wanted('send_rate') || wanted('send_rate_seed') || wanted('create_100k') || wanted('rss_peak')) {
    const sim = await WsapmeSimulator.start(SIM_OPTIONS);
    const needsApp = wanted('send_rate') || wanted('create_100k') || wanted('rss_peak');
    const db = needsApp ? await createBenchDatabase('send') : null;
    let app: AppProcess | null = null;
    try {
      if (db) {
        const secret = randomBytes(12).toString('hex');
        app = await AppProcess.start('send_rate', {
          DATABASE_URL: db.url,
          WSAPME_BASE_URL: sim.url,
          WEBHOOK_SECRET: secret,
          ...ENGINE_ENV,
        });
        sim.configure({ webhookUrl: `${app.url}/webhooks/wsapme`, webhookSecret: secret });
      }
      let ourRate: number | null = null;
      if (app && (wanted('send_rate') || wanted('rss_peak'))) {
        await step('send_rate', async () => {
          const o = await sendRate(app!, sim, db!.url, SIZE.send);
          ourRate = o.rate;
          return o;
        });
      }
      // create_100k right after send_rate, so rss_peak sees them back to back (the seed's slow loop
      // in between would give the heap a minute to settle).
      if (app && (wanted('create_100k') || wanted('rss_peak')))
        await step('create_100k', () => create100k(app!, db!.url, SIZE.csv, SIZE.insertSample));
      if (app) await step('rss_peak', () => rssPeak(app!));
      await step('send_rate_seed', () => sendRateSeed(sim, SIZE.seedSample, ourRate, SIZE.send));
    } catch (err) {
      log(`send benchmarks could not start: ${(err as Error).message}`);
      for (const n of ['send_rate', 'send_rate_seed', 'create_100k', 'rss_peak'] as const) {
        if (wanted(n) && !outcomes.has(n)) outcomes.set(n, notRun(n, UNITS[n][0], UNITS[n][1], (err as Error).message));
      }
    } finally {
      await app?.stop();
      await sim.close();
      await db?.drop();
    }
  }

  await step('pacing_realism', () => pacingRealism(SIZE.pacing, SIZE.pacingFast));
  await step('webhook_ingest', () => webhookIngest(SIZE.webhooks, SIZE.webhookWarmup));
  await step('poll_cost', () => pollCost(SIZE.pollRecipients));
  await step('report_1m', () => report1m(SIZE.report, SIZE.reportSamples));
  // The same through a proxy that adds a round trip to every exchange with PostgreSQL (Neon-like).
  if (wanted('send_rate_remote') || wanted('webhook_ingest_remote') || wanted('report_1m_remote')) {
    const admin = new URL(ADMIN_URL);
    const proxy = await DelayProxy.start({ host: admin.hostname, port: Number(admin.port || 5432) }, REMOTE_RTT_MS);
    try {
      await step('send_rate_remote', () => sendRateRemote(SIZE.send, proxy));
      await step('webhook_ingest_remote', () => webhookIngest(SIZE.webhooks, SIZE.webhookWarmup, proxy));
      await step('report_1m_remote', () => report1m(SIZE.report, SIZE.reportSamples, proxy));
    } finally {
      await proxy.close();
    }
  }
  await step('send_rate_pool', () => sendRatePool(SIZE.pool));
  await step('freshness', () => freshness(SIZE.freshness));
  await step('scale_10m', () => scale10m(SIZE.scaleSmall, SIZE.scaleBig, SIZE.scaleHot, SIZE.scaleSamples));
  await step('rss_embedded', () => rssEmbedded(SIZE.embeddedSend));
  await step('report_aggregate', () => reportAggregate(SIZE.aggBlasts, SIZE.aggRecipients, SIZE.aggSamples, SIZE.aggScanSamples));
  finish(started, pgVersion);
}

function finish(started: number, pgVersion: string | null): void {
  const results: BenchResult[] = ORDER.filter((n) => outcomes.has(n)).map((n) => outcomes.get(n)!.result);
  const details: Record<string, Details> = Object.fromEntries(
    ORDER.filter((n) => outcomes.has(n)).map((n) => [n, outcomes.get(n)!.details]),
  );
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    ram_gb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    postgres: pgVersion,
  };
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const path = fileURLToPath(new URL('./results.json', import.meta.url));
  writeResults(path, results, { mode: quick ? 'quick' : 'full', seconds, machine, details, finished_at: new Date().toISOString() });

  const out = process.stdout;
  out.write(
    `\nwablast benchmarks (${quick ? 'quick' : 'full'} run, ${seconds} s) — ${machine.cores} cores, ${machine.ram_gb} GB, Node ${machine.node}, PostgreSQL ${pgVersion ?? '—'}\n`,
  );
  out.write('ratio = times better than the baseline (value/baseline for rates, baseline/value for times and calls)\n\n');
  out.write(`${formatTable(results)}\n\n`);
  for (const [name, d] of Object.entries(details)) out.write(`${name}: ${JSON.stringify(d)}\n`);
  const unmet = results.filter((r) => !r.met).map((r) => r.name);
  out.write(`\n${unmet.length === 0 ? 'every goal met' : `goals not met: ${unmet.join(', ')}`} · written to bench/results.json\n`);
}

let exiting = false;
async function cleanUp(): Promise<void> {
  await stopAllApps().catch(() => undefined);
  await dropAllBenchDatabases().catch(() => undefined);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (exiting) return;
    exiting = true;
    log(`${sig}: stopping wablast processes and dropping the benchmark databases…`);
    void cleanUp().finally(() => process.exit(0));
  });
}

try {
  await main();
} catch (err) {
  log(`benchmarks stopped early: ${(err as Error).stack ?? err}`);
} finally {
  await cleanUp();
}
// Never fail a build: a slow machine or a missing database is reported in the table, not the exit code.
process.exit(0);
