import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { type SequenceState, type StepSpec, planEdit } from '../domain/sequence.ts';
import { AppError, notFound } from '../errors.ts';
import { leaveReasonSql } from './leaveReason.ts';
import { releaseMembers } from './sequenceLifecycle.ts';

// Any constant, the same in every process: see takeOver below.
const TAKEOVER_LOCK_KEY = 0x77_73_65_71; // 'wseq'

/**
 * PUT /api/blasts/:id/sequence: creates the blast's sequence, or edits it. An edit replaces only
 * the steps not yet created (domain/sequence.ts planEdit); it locks the sequence row first, so it
 * waits for a step being created at that moment and then sees it as created.
 */
export async function putSequence(db: Db, rootId: number, steps: readonly StepSpec[]): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    const [root] = await rows<{ state: string }>(tx, sql`SELECT state FROM blasts WHERE id = ${rootId}`);
    if (!root) throw notFound(`Blast ${rootId}`);
    // The first step waits for the root to finish sending (anchor_at: at once if it already has).
    // ON CONFLICT: two first PUTs at once — the second finds the row and edits it instead.
    const inserted = await rows<{ blast_id: number }>(
      tx,
      sql`INSERT INTO sequences (blast_id, anchor_blast_id, anchor_at)
          SELECT b.id, b.id, CASE WHEN b.state = 'completed' THEN b.completed_at END
          FROM blasts b WHERE b.id = ${rootId} AND b.state <> 'cancelled'
          ON CONFLICT (blast_id) DO NOTHING
          RETURNING blast_id`,
    );
    if (inserted.length) {
      await takeOver(tx, rootId);
      await insertSteps(tx, rootId, 1, steps);
      return { created: true };
    }
    const [seq] = await rows<{ state: SequenceState }>(tx, sql`SELECT state FROM sequences WHERE blast_id = ${rootId} FOR UPDATE`);
    if (!seq)
      throw new AppError('invalid_state', `Blast ${rootId} is cancelled: a sequence would have no one to follow up`, { state: root.state });
    if (seq.state === 'cancelled' || seq.state === 'completed') {
      throw new AppError('invalid_state', `The sequence of blast ${rootId} is ${seq.state}; send a follow-up instead`, {
        state: seq.state,
      });
    }
    const created = await rows<{ segment: StepSpec['segment']; delay_seconds: number; message: string; follow_up_stage: string | null }>(
      tx,
      sql`SELECT segment, delay_seconds, message, follow_up_stage FROM sequence_steps
          WHERE sequence_id = ${rootId} AND state = 'created' ORDER BY position`,
    );
    const plan = planEdit(
      created.map((s) => ({ segment: s.segment, delaySeconds: s.delay_seconds, message: s.message, followUpStage: s.follow_up_stage })),
      steps,
    );
    if (!plan.ok) throw new AppError('invalid_state', plan.why, [{ field: `steps.${plan.position - 1}`, message: 'already created' }]);
    await tx.execute(sql`DELETE FROM sequence_steps WHERE sequence_id = ${rootId} AND state = 'waiting'`);
    await insertSteps(tx, rootId, created.length + 1, plan.waiting);
    if (plan.waiting.length === 0) {
      await tx.execute(sql`UPDATE sequences SET state = 'completed', updated_at = now() WHERE blast_id = ${rootId}`);
      await releaseMembers(tx, rootId, 'finished');
    } else {
      await tx.execute(sql`UPDATE sequences SET updated_at = now() WHERE blast_id = ${rootId}`);
    }
    return { created: false };
  });
}

async function insertSteps(tx: Db, sequenceId: number, from: number, steps: readonly StepSpec[]): Promise<void> {
  if (steps.length === 0) return;
  const payload = JSON.stringify(steps.map((s, i) => ({ p: from + i, s: s.segment, d: s.delaySeconds, m: s.message, f: s.followUpStage })));
  await tx.execute(
    sql`INSERT INTO sequence_steps (sequence_id, position, segment, delay_seconds, message, follow_up_stage)
        SELECT ${sequenceId}, x.p, x.s, x.d, x.m, x.f FROM json_to_recordset(${payload}::json) AS x(p int, s text, d int, m text, f text)`,
  );
}

/**
 * The root's recipients become members; a phone still in another running sequence is taken over
 * (the older one records `taken_over` and by whom). Recipients who already left (replied, opted
 * out, failed…) join as left and take nothing over. The advisory lock serialises takeovers: two
 * new sequences sharing a phone would otherwise both end the old membership, both insert theirs,
 * and one would fail on the one-running-sequence-per-phone index. Rows are locked in id order, as
 * the step creation locks them, so the two never deadlock.
 */
async function takeOver(tx: Db, rootId: number): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${TAKEOVER_LOCK_KEY})`);
  await tx.execute(
    sql`UPDATE sequence_members m SET left_at = now(), left_reason = 'taken_over', taken_over_by = ${rootId}
        WHERE m.id IN (
          SELECT m2.id FROM sequence_members m2
          JOIN blast_recipients r ON r.blast_id = ${rootId} AND r.phone_number = m2.phone_number
          WHERE m2.left_at IS NULL AND m2.sequence_id <> ${rootId} AND (${leaveReasonSql(sql`r.phone_number`, 'r', 'r')}) IS NULL
          ORDER BY m2.id
          FOR UPDATE OF m2)`,
  );
  await tx.execute(
    sql`INSERT INTO sequence_members (sequence_id, phone_number, root_recipient_id, current_recipient_id, left_at, left_reason)
        SELECT ${rootId}, x.phone_number, x.id, x.id, CASE WHEN x.reason IS NOT NULL THEN now() END, x.reason
        FROM (SELECT r.id, r.phone_number, ${leaveReasonSql(sql`r.phone_number`, 'r', 'r')} AS reason
              FROM blast_recipients r WHERE r.blast_id = ${rootId}) x`,
  );
}
