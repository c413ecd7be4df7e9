import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { reportsFor } from '../blasts/report.ts';
import { foldStatusCounts } from '../blasts/statusCounts.ts';
import { foldStageHours } from '../reports/foldStageHours.ts';
import { completeFinishedBlasts, devicesWithWork, startDueBlasts } from './blastTransitions.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { pauseUnhealthyDevices } from './deviceHealthCheck.ts';
import { recoverOrphans } from './deviceLease.ts';
import { DeviceSender } from './deviceSender.ts';
import type { GatewayPort } from '../gateway/gatewayPort.ts';
import type { Metrics } from '../metrics.ts';
import { SequenceScheduler } from '../sequences/sequenceScheduler.ts';

export interface EngineDeps {
  db: Db;
  gateway: GatewayPort;
  config: Config;
  log: Logger;
  clock?: Clock;
  /** Called with the ids of blasts whose funnel may have changed. */
  onChange?: (blastIds: Set<number>) => void;
  tickMs?: number;
  metrics?: Metrics;
}

const RECOVER_EVERY_MS = 5_000;

/**
 * The sending side of one process: a tick that starts scheduled blasts, completes finished ones,
 * settles orphans of dead processes, and keeps one DeviceSender per device that has work.
 * Stateless between restarts: everything it needs is in the database.
 */
export class Engine {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly senders = new Map<string, DeviceSender>();
  private readonly clock: Clock;
  private readonly sequences: SequenceScheduler;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private lastRecover = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly deps: EngineDeps) {
    this.clock = deps.clock ?? systemClock;
    this.sequences = new SequenceScheduler({
      db: deps.db,
      clock: this.clock,
      log: deps.log.child({ component: 'sequences' }),
      limits: { region: deps.config.phoneRegion, maxRecipients: deps.config.maxRecipients },
      holdMs: deps.config.sequenceCreateHoldMs,
      onChange: (ids) => this.changed(ids),
    });
  }

  start(): void {
    this.deps.log.info({ owner: this.owner }, 'engine started');
    this.schedule(0);
  }

  /** Run a tick now (a blast was started or resumed through the API). */
  wake(): void {
    if (this.stopped) return;
    for (const s of this.senders.values()) s.poke();
    this.schedule(0);
  }

  /** Stops claiming, lets in-flight requests finish and their results be stored, releases leases. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.all([...this.senders.values()].map((s) => s.stop()));
    this.senders.clear();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = this.runTick()
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'engine tick failed; retrying'))
      .finally(() => {
        this.ticking = null;
        this.schedule(this.deps.tickMs ?? 1000);
      });
    await this.ticking;
  }

  private async runTick(): Promise<void> {
    const { db } = this.deps;
    const changed = new Set<number>();
    for (const id of await startDueBlasts(db)) {
      changed.add(id);
      this.deps.log.info({ blast: id }, `scheduled blast #${id} started sending`);
    }
    // Before looking for devices with work: a step created now starts sending in this very tick.
    await this.sequences
      .tick()
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'sequence step creation failed; retrying next tick'));
    const now = this.clock.now();
    if (now - this.lastRecover >= RECOVER_EVERY_MS) {
      this.lastRecover = now;
      const n = await recoverOrphans(db);
      if (n > 0) this.deps.log.warn({ recipients: n }, 'marked in-flight messages of a stopped sender UNCERTAIN');
      // With the sweep (every 5 s): a failing device is stopped a few seconds after crossing the line.
      await pauseUnhealthyDevices(db, this.deps.config.healthPauseErrorRate, this.deps.log);
    }
    for (const device of await devicesWithWork(db)) {
      if (this.senders.has(device)) continue;
      this.senders.set(
        device,
        new DeviceSender(device, {
          db,
          gateway: this.deps.gateway,
          config: this.deps.config,
          clock: this.clock,
          owner: this.owner,
          log: this.deps.log.child({ device }),
          onChange: (ids) => this.changed(ids),
          ...(this.deps.metrics ? { metrics: this.deps.metrics } : {}),
        }),
      );
    }
    const finished = await completeFinishedBlasts(db);
    for (const id of finished) changed.add(id);
    if (changed.size) this.changed(changed);
    if (finished.length) await this.logFinished(finished);
    // Keeps the report's counters at one row per (blast, status) while blasts are live.
    await foldStatusCounts(db);
    await foldStageHours(db);
  }

  /** The line an operator watches for: the blast is done, and how it went. */
  private async logFinished(ids: number[]): Promise<void> {
    const reports = await reportsFor(this.deps.db, ids);
    for (const id of ids) {
      const r = reports.get(id)!;
      const counts = { recipients: r.total, sent: r.sent, failed: r.failed, uncertain: r.uncertain, skipped: r.skipped };
      this.deps.log.info(
        { blast: id, ...counts },
        `blast #${id} finished: ${r.sent} of ${r.total} sent, ${r.failed} failed, ${r.uncertain} uncertain`,
      );
    }
  }

  private changed(ids: Set<number>): void {
    this.deps.onChange?.(ids);
  }
}
