import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one process, on a registry of its own (several apps in one test process
 * must not share counters). Served at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly sends = new Counter({
    name: 'wablast_send_outcomes_total',
    help: 'Gateway send calls by device and outcome (accepted, rate_limited, retryable, permanent, ambiguous, auth)',
    labelNames: ['device', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly webhookEvents = new Counter({
    name: 'wablast_webhook_events_total',
    help: 'Webhook events committed, by result (applied, waiting, ignored, not_understood)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly webhookBatches = new Counter({
    name: 'wablast_webhook_commits_total',
    help: 'Group-commit transactions of webhook events, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'wablast_sends_in_flight',
    help: 'Gateway send calls in flight, by device',
    labelNames: ['device'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'wablast_' });
  }
}
