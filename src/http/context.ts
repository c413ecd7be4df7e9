import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../log.ts';
import type { FunnelHub } from './funnelHub.ts';
import type { WebhookIngest } from '../track/webhookIngest.ts';
import type { Poller } from '../track/poller.ts';
import type { Metrics } from '../metrics.ts';
import type { LongRequests } from './longRequests.ts';
import type { GatewayProbe } from '../connection/checkConnection.ts';
import type { Clock } from '../util/clock.ts';

/** What the routes need, handed in once when the app is built. */
export interface AppContext {
  config: Config;
  database: Database;
  log: Logger;
  simulator: boolean;
  version: string;
  hub: FunnelHub;
  /** Present when this process also runs the engine: lets the API wake it at once. */
  wakeEngine: () => void;
  webhooks: WebhookIngest | null;
  poller: Poller;
  metrics: Metrics;
  /** Asks the gateway whether it is there and takes our token (GET /api/connection). */
  gateway: GatewayProbe;
  /** The per-process cap on SSE streams and ?wait=true requests. */
  longRequests: LongRequests;
  /** The engine's clock: pacing plans and ETAs are read against the time the engine sends by. */
  clock: Clock;
}
