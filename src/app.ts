import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { type Clock, systemClock } from './util/clock.ts';
import { Engine } from './send/engine.ts';
import { Poller } from './track/poller.ts';
import { WebhookIngest } from './track/webhookIngest.ts';
import { WebhookPruner } from './track/pruneWebhooks.ts';
import { WsapmeClient } from './gateway/wsapmeClient.ts';
import { buildApp } from './http/buildApp.ts';
import { FunnelHub } from './http/funnelHub.ts';
import { LongRequests } from './http/longRequests.ts';
import { type Logger, silentLogger } from './log.ts';
import { WsapmeSimulator } from '../sim/simulator.ts';
import { Metrics } from './metrics.ts';
import { DeliveryWorker } from './outbound/deliveryWorker.ts';
import type { SimOptions } from '../sim/simOptions.ts';

export interface WablastHandle {
  url: string;
  config: Config;
  database: Database;
  /** The in-process simulator when no WSAPME_BASE_URL is configured. */
  simulator: WsapmeSimulator | null;
  engine: Engine | null;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Use this database instead of opening one from config (tests). */
  database?: Database;
  /** Options for the in-process simulator (tests tune rates, faults, delays). */
  simulator?: Partial<SimOptions>;
  /** Whether to listen for HTTP (default: config.listen — an engine-only process without PORT does not). */
  listen?: boolean;
  /** Time for the engine's pacing and the API's plans (tests and benchmarks move it; default the system's). */
  clock?: Clock;
}

/** How long shutdown waits for open requests before cutting them: SSE streams and ?wait=true never end by themselves. */
const CLOSE_GRACE_MS = 3_000;

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Starts wablast: database (migrated), gateway (real or the in-process simulator), the HTTP app
 * and, for role all|engine, the sending engine and poller. `close()` shuts down in order: stop
 * claiming, let in-flight sends and webhook commits finish, then close the server and the pool.
 */
export async function startWablast(config: Config, opts: StartOptions = {}): Promise<WablastHandle> {
  const log = opts.logger ?? silentLogger;
  const database =
    opts.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      pgliteSharedBuffersMb: config.pgliteSharedBuffersMb,
      poolMax: config.dbPoolMax,
      logger: log,
    }));
  await migrate(database.db);

  const simulated = !config.gateway.baseUrl;
  // With the simulator in-process and no secret configured, a random one keeps the webhook closed to others.
  const webhookSecret = config.webhookSecret ?? (simulated ? randomBytes(18).toString('base64url') : undefined);
  const effective: Config = Object.freeze({ ...config, webhookSecret });
  const sim = simulated ? await WsapmeSimulator.start({ port: 0, ...opts.simulator }) : null;
  if (sim) log.warn('SIMULATOR — no real WhatsApp message is sent. Set WSAPME_BASE_URL to use the real gateway.');
  if (!webhookSecret) log.warn('WEBHOOK_SECRET is not set: webhooks are refused; status comes from polling only');

  const gateway = new WsapmeClient({
    baseUrl: sim ? sim.url : config.gateway.baseUrl!,
    apiKey: (sim ? sim.options.apiKey : config.gateway.apiKey) ?? undefined,
    apiKeyHeader: sim ? sim.options.apiKeyHeader : config.gateway.apiKeyHeader,
    timeoutMs: config.gateway.timeoutMs,
    statusPath: config.gateway.statusPath,
    statusBody: config.gateway.statusBody,
    connections: Math.max(10, config.sendConcurrency),
  });

  const metrics = new Metrics();
  const hub = new FunnelHub(database.db, log.child({ component: 'funnel' }));
  const onChange = (ids: Set<number>) => hub.markChanged(ids);
  const runsEngine = config.role !== 'api';
  const clock = opts.clock ?? systemClock;
  const engine = runsEngine
    ? new Engine({ db: database.db, gateway, config: effective, log: log.child({ component: 'engine' }), onChange, metrics, clock })
    : null;
  const outbound = runsEngine
    ? new DeliveryWorker({ db: database.db, log: log.child({ component: 'outbound' }), disableAfterDays: config.outboundDisableAfterDays })
    : null;
  const poller = new Poller(database.db, gateway, effective, log.child({ component: 'poller' }), onChange);
  const pruner = runsEngine ? new WebhookPruner(database.db, config.webhookRetentionDays, log.child({ component: 'webhooks' })) : null;
  const webhooks = webhookSecret
    ? new WebhookIngest(
        database.db,
        log.child({ component: 'webhooks' }),
        { replyWindowHours: config.replyWindowHours, pollMode: config.pollMode, concurrency: config.webhookBatchesInFlight },
        onChange,
        metrics,
      )
    : null;

  const app = await buildApp({
    config: effective,
    database,
    log,
    simulator: simulated,
    version: VERSION,
    hub,
    wakeEngine: () => engine?.wake(),
    webhooks,
    poller,
    gateway,
    metrics,
    longRequests: new LongRequests(config.maxLongRequests),
    clock,
  });
  let url = '';
  if (opts.listen ?? effective.listen) {
    try {
      url = await app.listen({ port: config.port, host: config.host });
    } catch (err) {
      // A busy port: give back what was opened, so the caller can say so in one line and exit cleanly.
      await app.close();
      await gateway.close();
      await sim?.close();
      if (!opts.database) await database.close();
      throw err;
    }
    url = url.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  }
  if (sim && url) sim.configure({ webhookUrl: `${url}/webhooks/wsapme`, webhookSecret: webhookSecret! });
  if (engine) {
    engine.start();
    poller.start();
    outbound?.start();
  }
  pruner?.start();

  return {
    url,
    config: effective,
    database,
    simulator: sim,
    engine,
    close: async () => {
      await engine?.stop();
      await poller.stop();
      await pruner?.stop();
      await outbound?.stop();
      hub.close();
      // Webhook requests finish within the grace (a cut one was not acknowledged, so the gateway retries it).
      const cut = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      await app.close();
      clearTimeout(cut);
      await webhooks?.flush();
      await gateway.close();
      await sim?.close();
      if (!opts.database) await database.close();
    },
  };
}
