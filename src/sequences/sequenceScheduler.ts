import { sql } from 'drizzle-orm';
import type { CreateLimits } from '../blasts/createBlast.ts';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../log.ts';
import { maskPhonesIn } from '../domain/maskPhone.ts';
import { StepCreationError, createDueStep } from './createDueStep.ts';
import { recordLeavers } from './leaveReason.ts';

export interface SequenceSchedulerDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  limits: CreateLimits;
  holdMs?: number;
  /** The blasts whose funnel or sequence changed (the root and a new step's blast). */
  onChange?: (blastIds: Set<number>) => void;
}

/** How often the members' leaving is recorded between steps (it always is at a step). */
const LEAVERS_EVERY_MS = 15_000;
/** Steps created per engine tick at most: one slow tick never holds the sending back for long. */
const MAX_STEPS_PER_TICK = 5;
/** A step whose creation failed waits this long before this engine tries it again; the others go on. */
const RETRY_FAILED_MS = 60_000;

/**
 * The engine's part of sequences, run on every engine tick (ROLE=engine|all): starts each
 * sequence's clock when the blast it waits for has finished sending, records who left, and creates
 * the steps that are due, each in its own transaction (createDueStep.ts). Any number of engines
 * may run it at once. Time comes from the engine's clock, so tests run days in seconds.
 */
export class SequenceScheduler {
  private lastLeavers = Number.NEGATIVE_INFINITY;
  /** Step id → when to try it again (clock ms): one step that cannot be created never blocks the rest. */
  private readonly failed = new Map<number, number>();

  constructor(private readonly deps: SequenceSchedulerDeps) {}

  async tick(): Promise<number> {
    const { db, clock, log } = this.deps;
    await armAnchors(db);
    const now = clock.now();
    if (now - this.lastLeavers >= LEAVERS_EVERY_MS) {
      this.lastLeavers = now;
      const live = await rows<{ blast_id: number }>(db, sql`SELECT blast_id FROM sequences WHERE state IN ('running', 'paused')`);
      await recordLeavers(
        db,
        live.map((s) => s.blast_id),
      );
    }
    for (const [id, retryAt] of this.failed) if (retryAt <= now) this.failed.delete(id);
    let created = 0;
    for (let attempts = 0; created < MAX_STEPS_PER_TICK && attempts < 2 * MAX_STEPS_PER_TICK; attempts++) {
      let step: Awaited<ReturnType<typeof createDueStep>>;
      try {
        step = await createDueStep(db, new Date(clock.now()), {
          limits: this.deps.limits,
          log,
          skip: [...this.failed.keys()],
          ...(this.deps.holdMs ? { holdMs: this.deps.holdMs, sleep: (ms: number) => clock.sleep(ms) } : {}),
        });
      } catch (err) {
        if (!(err instanceof StepCreationError)) throw err;
        await this.failedStep(err);
        continue;
      }
      if (!step) break;
      created++;
      log.info(
        { sequence: step.sequenceId, step: step.position, blast: step.blastId, recipients: step.recipients },
        step.blastId === null ? 'sequence step created with nobody in its segment' : 'sequence step created',
      );
      this.deps.onChange?.(new Set([step.sequenceId, ...(step.blastId === null ? [] : [step.blastId])]));
    }
    return created;
  }

  /** Nothing of it was kept (one transaction); the step says why on the API and is tried again later. */
  private async failedStep(err: StepCreationError): Promise<void> {
    // The database's own words, not the driver wrapper's "Failed query: …" with its parameters.
    let cause: Error = err.reason;
    for (let i = 0; cause.cause instanceof Error && i < 5; i++) cause = cause.cause;
    const why = maskPhonesIn(cause.message).slice(0, 300);
    this.failed.set(err.stepId, this.deps.clock.now() + RETRY_FAILED_MS);
    this.deps.log.warn({ step: err.stepId, err: why }, 'sequence step could not be created; retrying it in a minute');
    await this.deps.db
      .execute(sql`UPDATE sequence_steps SET note = ${`not created yet: ${why}`} WHERE id = ${err.stepId} AND state = 'waiting'`)
      .catch(() => undefined);
  }
}

/**
 * A sequence's next step counts its delay from the moment the blast it follows (the root, then the
 * last step's blast) finished sending — completed, or cancelled part-way. One statement for all.
 */
export async function armAnchors(db: Db): Promise<number> {
  const armed = await rows<{ blast_id: number }>(
    db,
    sql`UPDATE sequences q SET anchor_at = b.completed_at, updated_at = now()
        FROM blasts b
        WHERE q.anchor_at IS NULL AND q.state IN ('running', 'paused') AND b.id = q.anchor_blast_id
          AND b.state IN ('completed', 'cancelled') AND b.completed_at IS NOT NULL
        RETURNING q.blast_id`,
  );
  return armed.length;
}
