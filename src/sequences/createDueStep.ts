import { sql } from 'drizzle-orm';
import { type CreateLimits, createBlast } from '../blasts/createBlast.ts';
import { SEGMENT_STATUSES, type Segment } from '../domain/segments.ts';
import { sendBlast } from '../blasts/lifecycle.ts';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { bigintArray, statusIn } from '../db/statusSql.ts';
import type { Logger } from '../log.ts';
import { recordLeavers } from './leaveReason.ts';
import { releaseMembers } from './sequenceLifecycle.ts';
import { stepDevice } from './stepDevice.ts';

export interface StepCreationOptions {
  limits: CreateLimits;
  log: Logger;
  /** Fault tests only (SEQUENCE_CREATE_HOLD_MS): keep the transaction open here so a SIGKILL lands inside it. */
  holdMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Steps to leave alone this time (their last attempt failed; see sequenceScheduler). */
  skip?: readonly number[];
}

/** A step whose creation failed (and was rolled back whole): which one, and why. */
export class StepCreationError extends Error {
  constructor(
    readonly stepId: number,
    readonly reason: Error,
  ) {
    super(reason.message);
  }
}

export interface CreatedStep {
  sequenceId: number;
  stepId: number;
  position: number;
  /** null when nobody was in the segment: the step is recorded as created with no blast. */
  blastId: number | null;
  recipients: number;
}

interface DueStep {
  id: number;
  sequence_id: number;
  position: number;
  segment: Segment;
  message: string;
  follow_up_stage: string | null;
  due_at: string;
  tag: string | null;
  device: string;
  /** The root blast's sender pool, primary first. */
  devices: string[] | null;
}

/**
 * Creates ONE due step's blast, exactly once, in ONE transaction:
 *
 *   claim the step (and its sequence row) → record who left → pick the members in the segment now
 *   → insert the follow-up blast and its recipients, already sending → move the members on
 *   → mark the step created with its blast id → re-anchor the sequence → commit.
 *
 * Why this cannot send a step twice or skip anyone:
 * - A crash (SIGKILL, lost connection) at any point before COMMIT rolls ALL of it back: the blast
 *   and its recipients never existed, so no engine could have claimed them, and the step is still
 *   waiting for the next tick of any engine. After COMMIT the step says `created`.
 * - Two engines: the claim is FOR UPDATE SKIP LOCKED, so the second skips a step being created;
 *   once the first commits, the re-check of the locked row (state, anchor) no longer matches.
 *   Should anything still reach the insert twice, `blasts.sequence_step_id` is UNIQUE and
 *   `sequence_steps.blast_id` too: the second transaction fails and rolls back whole.
 * - Edits, pauses and cancels update the sequence row, which this transaction holds: they wait
 *   for it, and it skips a sequence they hold.
 *
 * Members are locked in id order (the order a takeover locks them) so a newer sequence taking a
 * phone over waits for this step and then sees where the member is.
 */
export async function createDueStep(db: Db, now: Date, opts: StepCreationOptions): Promise<CreatedStep | null> {
  return db.transaction(async (tx) => {
    // The first waiting step of each running sequence whose anchor (the previous blast finished
    // sending) plus its delay has passed on the engine's clock (injected in tests).
    const [step] = await rows<DueStep>(
      tx,
      sql`SELECT s.id, s.sequence_id, s.position, s.segment, s.message, s.follow_up_stage,
                 (q.anchor_at + s.delay_seconds * interval '1 second')::text AS due_at, b.tag, b.device,
                 array(SELECT bd.device FROM blast_devices bd WHERE bd.blast_id = b.id ORDER BY bd.position) AS devices
          FROM sequence_steps s
          JOIN sequences q ON q.blast_id = s.sequence_id
          JOIN blasts b ON b.id = q.blast_id
          WHERE q.state = 'running' AND q.anchor_at IS NOT NULL AND s.state = 'waiting'
            AND s.position = (SELECT min(w.position) FROM sequence_steps w WHERE w.sequence_id = s.sequence_id AND w.state = 'waiting')
            AND q.anchor_at + s.delay_seconds * interval '1 second' <= ${now.toISOString()}::timestamptz
            AND s.id <> ALL(${bigintArray(opts.skip ?? [])})
          ORDER BY q.anchor_at + s.delay_seconds * interval '1 second', s.id
          LIMIT 1
          FOR UPDATE OF s, q SKIP LOCKED`,
    );
    if (!step) return null;
    try {
      return await createStep(tx, step, opts);
    } catch (err) {
      throw new StepCreationError(step.id, err as Error);
    }
  });
}

async function createStep(tx: Db, step: DueStep, opts: StepCreationOptions): Promise<CreatedStep> {
  await tx.execute(sql`SELECT id FROM sequence_members WHERE sequence_id = ${step.sequence_id} AND left_at IS NULL ORDER BY id FOR UPDATE`);
  await recordLeavers(tx, [step.sequence_id]);
  const members = await rows<{ phone_number: string; variables: Record<string, string> | null }>(
    tx,
    sql`SELECT m.phone_number, root.variables
          FROM sequence_members m
          JOIN blast_recipients cur ON cur.id = m.current_recipient_id
          JOIN blast_recipients root ON root.id = m.root_recipient_id
          WHERE m.sequence_id = ${step.sequence_id} AND m.left_at IS NULL
            AND ${statusIn(SEGMENT_STATUSES[step.segment], 'cur.status')}
          ORDER BY m.id`,
  );

  let blastId: number | null = null;
  let recipients = 0;
  if (members.length > 0) {
    const made = await createBlast(
      tx,
      {
        tag: step.tag,
        message: step.message,
        followUpStage: step.follow_up_stage,
        scheduledAt: null,
        ...stepDevice(step),
        recipients: members.map((m) => ({ phone: m.phone_number, vars: m.variables ?? {} })),
        dryRun: false,
        parentBlastId: step.sequence_id,
        segment: step.segment,
      },
      opts.limits,
    );
    blastId = made.blast_id!;
    recipients = made.total_recipients;
    // The unique index on sequence_step_id is the last line of defence (see above).
    await tx.execute(sql`UPDATE blasts SET sequence_step_id = ${step.id} WHERE id = ${blastId}`);
    await sendBlast(tx, blastId);
    await tx.execute(
      sql`UPDATE sequence_members m SET current_recipient_id = r.id, position = ${step.position}
            FROM blast_recipients r
            WHERE r.blast_id = ${blastId} AND m.sequence_id = ${step.sequence_id} AND m.phone_number = r.phone_number`,
    );
  }

  if (opts.holdMs && opts.holdMs > 0) {
    opts.log.warn(
      { sequence: step.sequence_id, step: step.position, blast: blastId },
      'sequence step held open before commit (SEQUENCE_CREATE_HOLD_MS)',
    );
    await (opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(opts.holdMs);
  }

  const marked = await rows<{ id: number }>(
    tx,
    sql`UPDATE sequence_steps SET state = 'created', blast_id = ${blastId}, created_at = now(), due_at = ${step.due_at}::timestamptz,
            recipients = ${recipients},
            note = ${blastId === null ? `nobody was in the segment ${step.segment} when it fell due` : null}
          WHERE id = ${step.id} AND state = 'waiting'
          RETURNING id`,
  );
  if (marked.length !== 1) throw new Error(`sequence step ${step.id} was no longer waiting`);
  // The next step's delay runs from when this step's blast finishes sending (the scheduler sets
  // anchor_at then); a step with nobody in it finished when it fell due.
  await tx.execute(
    sql`UPDATE sequences SET anchor_blast_id = coalesce(${blastId}, anchor_blast_id),
            anchor_at = ${blastId === null ? sql`${step.due_at}::timestamptz` : sql`NULL`}, updated_at = now()
          WHERE blast_id = ${step.sequence_id}`,
  );
  const [left] = await rows<{ n: number }>(
    tx,
    sql`SELECT count(*)::int AS n FROM sequence_steps WHERE sequence_id = ${step.sequence_id} AND state = 'waiting'`,
  );
  if (left!.n === 0) {
    await tx.execute(sql`UPDATE sequences SET state = 'completed', updated_at = now() WHERE blast_id = ${step.sequence_id}`);
    await releaseMembers(tx, step.sequence_id, 'finished');
  }
  return { sequenceId: step.sequence_id, stepId: step.id, position: step.position, blastId, recipients };
}
