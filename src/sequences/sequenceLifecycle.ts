import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { textArray } from '../db/statusSql.ts';
import type { LeaveReason, SequenceState } from '../domain/sequence.ts';
import { AppError, notFound } from '../errors.ts';

/**
 * Pause, resume and cancel, each one conditional UPDATE of the sequence row (as blasts/lifecycle.ts):
 * the loser of a race gets 409 with the state that beat it. The row lock also orders them against
 * a step being created: that transaction holds the row, so they wait for it, and the scheduler
 * skips a sequence a person is changing.
 *
 * Pausing keeps everyone at their step: no step is created while paused; a step that fell due
 * meanwhile is created on resume. A step blast already sending is an ordinary blast, paused on
 * its own page.
 */
async function transition(db: Db, id: number, from: SequenceState[], to: SequenceState, action: string): Promise<SequenceState> {
  const [row] = await rows<{ state: SequenceState }>(
    db,
    sql`UPDATE sequences SET state = ${to}, updated_at = now()
        WHERE blast_id = ${id} AND state = ANY(${textArray(from)}) RETURNING state`,
  );
  if (row) return row.state;
  const [current] = await rows<{ state: SequenceState }>(db, sql`SELECT state FROM sequences WHERE blast_id = ${id}`);
  if (!current) throw notFound(`The sequence of blast ${id}`);
  throw new AppError('invalid_state', `Cannot ${action} a sequence that is ${current.state}`, { state: current.state });
}

export const pauseSequence = (db: Db, id: number) => transition(db, id, ['running'], 'paused', 'pause');
export const resumeSequence = (db: Db, id: number) => transition(db, id, ['paused'], 'running', 'resume');

/** Cancels the steps not yet created and lets every member go (they may join another sequence). */
export async function cancelSequence(db: Db, id: number): Promise<SequenceState> {
  return db.transaction(async (tx) => {
    const state = await transition(tx, id, ['running', 'paused'], 'cancelled', 'cancel');
    await tx.execute(sql`UPDATE sequence_steps SET state = 'cancelled' WHERE sequence_id = ${id} AND state = 'waiting'`);
    await releaseMembers(tx, id, 'cancelled');
    return state;
  });
}

/** Members still in leave with `reason`: the sequence itself ended. */
export async function releaseMembers(tx: Db, id: number, reason: Extract<LeaveReason, 'cancelled' | 'finished'>): Promise<void> {
  await tx.execute(sql`UPDATE sequence_members SET left_at = now(), left_reason = ${reason} WHERE sequence_id = ${id} AND left_at IS NULL`);
}
