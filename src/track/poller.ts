import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { LookupStreak } from '../domain/lookupAvailability.ts';
import type { StatusOutcome } from '../gateway/classify.ts';
import { latticeStatusOf } from '../gateway/gatewayStatusMap.ts';
import type { Logger } from '../log.ts';
import { type StatusEvent, applyStatusEvents, lockMessageIds } from './applyStatusEvents.ts';
import type { GatewayPort } from '../gateway/gatewayPort.ts';
import { type DuePoll, pollableOfBlast, takeDuePolls } from './pollQueries.ts';
import { claimLookupProbe, markLookupAvailable, markLookupUnavailable, readLookupState } from './statusLookupState.ts';

export interface CheckResult {
  checked: number;
  updated: number;
  /** Whether the gateway answers status lookups; `unavailable` with the gateway's last words. */
  lookup: 'available' | 'unavailable';
  reason?: string;
}

/**
 * The safety net under webhooks: asks the gateway about messages stuck at PENDING or
 * DELIVERY_ACK, on the widening schedule of domain/pollSchedule, within a budget of status calls
 * per second. Taking a batch reschedules it in the same statement (track/pollQueries), so several
 * processes never poll the same message at once.
 */
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Refused or missing lookups in a row: the gateway may have no lookup at all (fact sheet). */
  private readonly streak = new LookupStreak();
  private lastRefusal = '';

  constructor(
    private readonly db: Db,
    private readonly gateway: GatewayPort,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly onChange: (ids: Set<number>) => void,
  ) {}

  start(): void {
    if (this.config.pollMode === 'off') return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.scheduledPass().finally(() => (this.running = null));
    }, 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * One background pass: at most POLL_RATE calls (one second of budget). While lookups are
   * unavailable nothing is polled, save one re-probe an hour across all processes.
   */
  async scheduledPass(): Promise<number> {
    try {
      const state = await readLookupState(this.db);
      if (!state.available && !(await claimLookupProbe(this.db))) return 0;
      const limit = state.available ? Math.max(1, Math.floor(this.config.pollRate)) : 1;
      const due = await takeDuePolls(this.db, limit);
      return (await this.check(due, state.available)).updated;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'poll pass failed');
      return 0;
    }
  }

  /**
   * `POST /api/blasts/:id/check-status`: every unsettled recipient of one blast, now. While lookups
   * are unavailable, one lookup is tried as a probe; only if it answers does the rest follow.
   */
  async checkBlast(blastId: number): Promise<CheckResult> {
    const due = await pollableOfBlast(this.db, blastId);
    const state = await readLookupState(this.db);
    if (state.available) return this.check(due, true);
    const probe = await this.check(due.slice(0, 1), false);
    if (probe.lookup === 'unavailable') return probe;
    const rest = await this.check(due.slice(1), true);
    return { ...rest, checked: probe.checked + rest.checked, updated: probe.updated + rest.updated };
  }

  private async check(due: DuePoll[], wasAvailable: boolean): Promise<CheckResult> {
    let checked = 0;
    let updated = 0;
    let available = wasAvailable;
    let gaveUp = false;
    const concurrency = 8;
    for (let i = 0; i < due.length; i += 100) {
      const chunk = due.slice(i, i + 100);
      const events: StatusEvent[] = [];
      let next = 0;
      let pauseMs = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, chunk.length) }, async () => {
          while (next < chunk.length && !gaveUp) {
            const d = chunk[next++]!;
            if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
            const o = await this.gateway.getMessageStatus({ device: d.device, messageId: d.message_id, phone: d.phone_number });
            // Decided before the write, so the other workers stop asking at once.
            const wasAvailable = available;
            const verdict = this.streak.observe(o.kind);
            if (verdict !== null) available = verdict === 'available';
            if (!available) gaveUp = true;
            await this.persist(o, verdict, wasAvailable);
            if (o.kind === 'rate_limited') {
              pauseMs = o.retryAfterMs;
              next--; // ask again for this one after the pause
              chunk[next] = d;
              continue;
            }
            pauseMs = 0;
            checked++;
            const s = o.kind === 'status' ? latticeStatusOf(o.status) : null;
            if (o.kind === 'status' && s) events.push({ messageId: d.message_id, status: s, c2sTimestamp: o.c2sTimestamp });
          }
        }),
      );
      if (events.length === 0) {
        if (gaveUp) break;
        continue;
      }
      const result = await this.db.transaction(async (tx) => {
        await lockMessageIds(
          tx,
          events.map((e) => e.messageId),
        );
        return applyStatusEvents(tx, events);
      });
      updated += result.updated;
      if (result.changedBlasts.size) this.onChange(result.changedBlasts);
      if (gaveUp) break;
    }
    if (available) return { checked, updated, lookup: 'available' };
    const state = await readLookupState(this.db);
    return { checked, updated, lookup: 'unavailable', reason: state.reason ?? this.lastRefusal };
  }

  /**
   * Stores a change of lookup availability (logged once, by the process that made it). A failed
   * lookup never touches the recipient: its status stays what webhooks and replies say.
   */
  private async persist(o: StatusOutcome, verdict: 'available' | 'unavailable' | null, available: boolean): Promise<void> {
    if (o.kind === 'refused') this.lastRefusal = o.reason;
    if (o.kind === 'not_found') this.lastRefusal = 'HTTP 404 or not found';
    if (verdict === 'available' && !available) {
      if (await markLookupAvailable(this.db)) this.log.info('status lookups answer again: polling resumed');
      return;
    }
    if (verdict === 'unavailable' && available) {
      const reason = `the gateway refused ${this.streak.threshold} status lookups in a row: ${this.lastRefusal}`;
      if (await markLookupUnavailable(this.db, reason)) {
        this.log.warn(
          { path: this.config.gateway.statusPath },
          'status lookups unavailable: polling stopped (statuses come from webhooks); re-probing hourly',
        );
      }
      return;
    }
    if (!available && verdict === null && (o.kind === 'refused' || o.kind === 'not_found')) {
      // A re-probe that failed: the next one is an hour away.
      await markLookupUnavailable(this.db, this.lastRefusal);
    }
  }
}
