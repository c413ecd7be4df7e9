import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { AppError, notFound } from '../errors.ts';
import type { BlastState } from './blastView.ts';

/**
 * The state machine of a blast. Each transition is one conditional UPDATE, so two people pressing
 * buttons at once cannot both win: the loser gets 409 with the state that beat them.
 *
 *   draft ──send──▶ scheduled ──(time)──▶ sending ──▶ completed
 *                       │                  │  ▲
 *                       │               pause resume
 *                       ▼                  ▼  │
 *                   cancelled ◀─────────── paused
 */
async function transition(db: Db, id: number, from: BlastState[], set: ReturnType<typeof sql>, action: string): Promise<BlastState> {
  const [row] = await rows<{ state: BlastState }>(
    db,
    sql`UPDATE blasts SET ${set} WHERE id = ${id} AND state = ANY(${`{${from.join(',')}}`}::text[]) RETURNING state`,
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
        WHERE id = ${id} AND state = 'draft'
        RETURNING state`,
  );
  if (row) return row.state;
  const [current] = await rows<{ state: BlastState }>(db, sql`SELECT state FROM blasts WHERE id = ${id}`);
  if (!current) throw notFound(`Blast ${id}`);
  if (current.state === 'sending' || current.state === 'scheduled' || current.state === 'completed') return current.state;
  throw new AppError('invalid_state', `Cannot send a blast that is ${current.state}${current.state === 'paused' ? '; resume it instead' : ''}`, {
    state: current.state,
  });
}

/** Takes effect before the next message: the claim only picks recipients of sending blasts. */
export const pauseBlast = (db: Db, id: number) => transition(db, id, ['sending', 'scheduled'], sql`state = 'paused'`, 'pause');

export const resumeBlast = (db: Db, id: number) =>
  transition(db, id, ['paused'], sql`state = 'sending', started_at = coalesce(started_at, now()), last_error = NULL`, 'resume');

/** Cancels and marks every recipient not yet sent SKIPPED, in one transaction. In-flight ones finish. */
export async function cancelBlast(db: Db, id: number): Promise<BlastState> {
  return db.transaction(async (tx) => {
    const state = await transition(tx, id, ['draft', 'scheduled', 'sending', 'paused'], sql`state = 'cancelled', completed_at = now()`, 'cancel');
    await tx.execute(
      sql`UPDATE blast_recipients SET status = 'SKIPPED', last_error = 'blast cancelled'
          WHERE blast_id = ${id} AND status = 'QUEUED'`,
    );
    return state;
  });
}

/**
 * A person asks to send UNCERTAIN or FAILED recipients again (the only way anything is sent twice).
 * A completed blast goes back to sending; a paused or draft one keeps its state.
 */
export async function resendRecipients(db: Db, id: number, statuses: Array<'UNCERTAIN' | 'FAILED'>): Promise<number> {
  return db.transaction(async (tx) => {
    const [blast] = await rows<{ state: BlastState }>(tx, sql`SELECT state FROM blasts WHERE id = ${id} FOR UPDATE`);
    if (!blast) throw notFound(`Blast ${id}`);
    if (blast.state === 'cancelled') throw new AppError('invalid_state', 'Cannot resend from a cancelled blast', { state: blast.state });
    const requeued = await rows<{ id: number }>(
      tx,
      sql`UPDATE blast_recipients SET status = 'QUEUED', claimed_by = NULL, next_attempt_at = NULL, failed_at = NULL,
                 last_error = 'resent on request after ' || lower(status),
                 -- Sticky sender: the device that (possibly) messaged the phone sends again; a phone
                 -- nobody reached is new for the pool.
                 device = (SELECT ps.device FROM phone_senders ps
                           JOIN blast_devices bd ON bd.blast_id = blast_recipients.blast_id AND bd.device = ps.device
                           WHERE ps.phone_number = blast_recipients.phone_number)
          WHERE blast_id = ${id} AND status = ANY(${`{${statuses.join(',')}}`}::text[])
          RETURNING id`,
    );
    if (requeued.length > 0 && blast.state === 'completed') {
      await tx.execute(sql`UPDATE blasts SET state = 'sending', completed_at = NULL WHERE id = ${id}`);
    }
    return requeued.length;
  });
}
