import { afterEach, describe, expect, it } from 'vitest';
import { printFigures } from './support/promise.ts';
import { logLines, phones } from './support/processes.ts';
import { type RestartablePostgres, restartablePostgres } from './support/privatePostgres.ts';
import { Rig } from './support/rig.ts';

/**
 * The database goes away under a running blast: first every connection of the app is killed
 * (pg_terminate_backend), then the whole server restarts. The engine and the webhook receiver
 * must come back by themselves; webhooks answered 5xx meanwhile are retried by the gateway and
 * applied afterwards. Runs on a PostgreSQL of its own (support/privatePostgres.ts), so the
 * restart cannot disturb test files running against the shared cluster.
 */
let rig: Rig | null = null;
let pg: RestartablePostgres | null = null;
afterEach(async () => {
  await rig?.close();
  await pg?.close();
  rig = null;
  pg = null;
});

describe('database faults', () => {
  it('connections terminated five times and the server down for 3 s mid-blast: everything recovers, nothing lost', async () => {
    const started = Date.now();
    pg = await restartablePostgres();
    rig = await Rig.start({ databaseUrl: pg.url, env: { SEND_RATE: '40', SEND_BURST: '5' } });
    const apiProc = await rig.spawn('api');
    const engine = await rig.spawn('engine');
    const id = await rig.blast(apiProc, phones(600, 20_000));

    // Connections killed four times at random moments, a 3 s server outage, then once more.
    let terminated = 0;
    let terminations = 0;
    const terminate = async () => {
      await rig!.acceptedBeyond(rig!.sim.stats().accepted, 30 + Math.floor(Math.random() * 50), id);
      terminated += await pg!.terminateBackends();
      terminations++;
    };
    for (let i = 0; i < 4; i++) await terminate();
    await rig.acceptedBeyond(rig.sim.stats().accepted, 40, id);
    const webhookAttemptsBefore = rig.sim.stats().webhookAttempts - rig.sim.stats().webhooksSent;
    const restartMs = await pg.restart(3000);
    await terminate();
    expect(await rig.state(id).catch(() => 'unknown')).not.toBe('completed');

    await rig.waitCompleted([id], 120_000);
    const figures = await rig.settledFigures([id]);
    const stats = rig.sim.stats();
    const webhookRetries = stats.webhookAttempts - stats.webhooksSent - stats.webhooksFailed;
    const storeRetries = logLines(engine, 'storing send results failed; retrying').length;
    const webhook503 = logLines(apiProc, /webhook batch failed/).length;
    printFigures('database', {
      postgres: pg.kind,
      terminations,
      terminatedConnections: terminated,
      outageMs: restartMs,
      recipients: figures.recipients,
      duplicates: figures.duplicates,
      uncertain: figures.uncertain,
      lost: figures.lost,
      regressions: figures.regressions,
      sent: figures.sent,
      failed: figures.failed,
      webhookRetries,
      webhookBatches503: webhook503,
      webhooksGivenUp: stats.webhooksFailed,
      storeRetries,
      peakPerDevice: stats.peakPerDevicePerSecond,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    // Nobody crashed: both processes recovered on their own.
    expect(apiProc.alive && engine.alive, rig.tail()).toBe(true);
    expect(figures.problems).toEqual([]);
    expect(figures.duplicates + figures.unsettled + figures.lost + figures.phantom + figures.regressions).toBe(0);
    // A restart is not a reason to doubt a send: the engine held its answers until the database was back.
    expect(figures.uncertain).toBe(0);
    expect(figures.recipients).toBe(600);
    // The outage was felt by the webhook receiver, and every refused webhook was retried until it landed.
    expect(webhookRetries + webhookAttemptsBefore).toBeGreaterThan(0);
    expect(stats.webhooksFailed).toBe(0);
    expect(Object.values(rig.sim.tally()).every((n) => n === 1)).toBe(true);
  });
});
