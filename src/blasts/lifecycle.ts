import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { AppError, notFound } from '../errors.ts';
import { bigintArray, textArray } from '../db/statusSql.ts';
import { failureRetryable } from '../gateway/classify.ts';
import { BLAST_TRANSITIONS, type BlastAction, type BlastState, canTransition } from './blastStates.ts';

/**
 * What a person does to a blast (the table is blasts/blastStates.ts). Each transition is one
 * conditional UPDATE, so two people pressing buttons at once cannot both win: the loser gets 409
 * with the state that beat them.
 */
async function transition(db: Db, id: number, action: BlastAction, set: ReturnType<typeof sql>): Promise<BlastState> {
  const [row] = await rows<{ state: BlastState }>(
    db,
    sql`UPDATE blasts SET ${set} WHERE id = ${id} AND state = ANY(${textArray(BLAST_TRANSITIONS[action].from)}) RETURNING state`,
  );
  if (row) return row.state;
  const [current] = await rows<{ state: BlastState }>(db, sql`SELECT state FROM blasts WHERE id = ${id}`);
  if (!current) throw notFound(`Blast ${id}`);
  throw new AppError('invalid_state', `Cannot ${action} a blast that is ${current.state}`, { state: current.state });
}

/** Starts now, or at scheduled_at when that is in the future. Sending an already-sending blast is a no-op. */
export async function sendBlast(db: Db, id: number): Promise<BlastState> {
  const [row] = await rows<{ state: BlastState }>(
    db,
    sql`UPDATE blasts SET
          state = CASE WHEN scheduled_at > now() THEN 'scheduled' ELSE 'sending' END,
          started_at = CASE WHEN scheduled_at > now() THEN started_at ELSE coalesce(started_at, now()) END,
          last_error = NULL
        WHERE id = ${id} AND state = ANY(${textArray(BLAST_TRANSITIONS.send.from)})
        RETURNING state`,
  );
  if (row) return row.state;
  const [current] = await rows<{ state: BlastState }>(db, sql`SELECT state FROM blasts WHERE id = ${id}`);
  if (!current) throw notFound(`Blast ${id}`);
  if (current.state === 'sending' || current.state === 'scheduled' || current.state === 'completed') return current.state;
  throw new AppError(
    'invalid_state',
    `Cannot send a blast that is ${current.state}${current.state === 'paused' ? '; resume it instead' : ''}`,
    {
      state: current.state,
    },
  );
}

/** Takes effect before the next message: the claim only picks recipients of sending blasts. */
export const pauseBlast = (db: Db, id: number) => transition(db, id, 'pause', sql`state = 'paused'`);

export const resumeBlast = (db: Db, id: number) =>
  transition(db, id, 'resume', sql`state = 'sending', started_at = coalesce(started_at, now()), last_error = NULL`);

/** Cancels and marks every recipient not yet sent SKIPPED, in one transaction. In-flight ones finish. */
export async function cancelBlast(db: Db, id: number): Promise<BlastState> {
  return db.transaction(async (tx) => {
    const state = await transition(tx, id, 'cancel', sql`state = 'cancelled', completed_at = now()`);
    await tx.execute(
      sql`UPDATE blast_recipients SET status = 'SKIPPED', last_error = 'blast cancelled'
          WHERE blast_id = ${id} AND status = 'QUEUED'`,
    );
    return state;
  });
}

export interface ResendResult {
  /** Recipients queued again (or that would be, on a dry run). */
  requeued: number;
  /** FAILED recipients left as they are: another try cannot succeed (gateway/classify.ts FAILURE_RETRY). */
  not_retryable: number;
}

/**
 * A person asks to send UNCERTAIN or FAILED recipients again (the only way anything is sent twice).
 * Every UNCERTAIN one goes back to the queue; a FAILED one only when its failure is retryable
 * (failureRetryable). A completed blast goes back to sending; a paused or draft one keeps its state.
 * A dry run counts without changing anything, for the dashboard's confirmation.
 */
export async function resendRecipients(db: Db, id: number, statuses: Array<'UNCERTAIN' | 'FAILED'>, dryRun = false): Promise<ResendResult> {
  return db.transaction(async (tx) => {
    const [blast] = await rows<{ state: BlastState }>(tx, sql`SELECT state FROM blasts WHERE id = ${id} FOR UPDATE`);
    if (!blast) throw notFound(`Blast ${id}`);
    if (blast.state === 'cancelled') throw new AppError('invalid_state', 'Cannot resend from a cancelled blast', { state: blast.state });
    // FOR UPDATE: the rows chosen here are the rows requeued, whatever a webhook does meanwhile.
    const candidates = await rows<{ id: number; status: string; last_error: string | null }>(
      tx,
      sql`SELECT id, status, last_error FROM blast_recipients
          WHERE blast_id = ${id} AND status = ANY(${textArray(statuses)}) FOR UPDATE`,
    );
    const chosen = candidates.filter((c) => c.status === 'UNCERTAIN' || failureRetryable(c.last_error)).map((c) => Number(c.id));
    const result = { requeued: chosen.length, not_retryable: candidates.length - chosen.length };
    if (dryRun || chosen.length === 0) return result;
    await tx.execute(
      sql`UPDATE blast_recipients SET status = 'QUEUED', claimed_by = NULL, next_attempt_at = NULL, failed_at = NULL,
                 last_error = 'resent on request after ' || lower(status),
                 -- Sticky sender: the device that (possibly) messaged the phone sends again; a phone
                 -- nobody reached is new for the pool.
                 device = (SELECT ps.device FROM phone_senders ps
                           JOIN blast_devices bd ON bd.blast_id = blast_recipients.blast_id AND bd.device = ps.device
                           WHERE ps.phone_number = blast_recipients.phone_number)
          WHERE id = ANY(${bigintArray(chosen)})`,
    );
    if (canTransition('resend', blast.state)) {
      await tx.execute(sql`UPDATE blasts SET state = 'sending', completed_at = NULL WHERE id = ${id}`);
    }
    return result;
  });
}
