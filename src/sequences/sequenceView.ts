import { sql } from 'drizzle-orm';
import { reportsFor } from '../blasts/report.ts';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { SequenceView, StepView } from '../api/contract.ts';
import { LEAVE_REASONS, type LeaveReason, type SequenceState } from '../domain/sequence.ts';
import { notFound } from '../errors.ts';
import { isoTime } from '../util/pgTime.ts';

export type { SequenceView, StepView };

type StepRow = Omit<StepView, 'counts'>;

/** GET /api/blasts/:id/sequence. */
export async function getSequence(db: Db, blastId: number): Promise<SequenceView> {
  const [seq] = await rows<{
    state: SequenceState;
    created_at: string;
    updated_at: string;
    anchor_blast_id: number | null;
    anchor_at: string | null;
  }>(db, sql`SELECT state, created_at, updated_at, anchor_blast_id, anchor_at FROM sequences WHERE blast_id = ${blastId}`);
  if (!seq) {
    const [blast] = await rows<{ id: number }>(db, sql`SELECT id FROM blasts WHERE id = ${blastId}`);
    throw notFound(blast ? `A sequence for blast ${blastId}` : `Blast ${blastId}`);
  }
  // due_at of the next waiting step is computed here from the anchor, so an edit of its delay shows at once.
  const steps = await rows<StepRow>(
    db,
    sql`SELECT s.position, s.segment, s.delay_seconds, s.message, s.follow_up_stage, s.state, s.blast_id, s.created_at,
               s.recipients, s.note,
               CASE WHEN s.state = 'created' THEN s.due_at
                    WHEN s.state = 'waiting' AND s.position = (SELECT min(w.position) FROM sequence_steps w WHERE w.sequence_id = s.sequence_id AND w.state = 'waiting')
                      THEN ${seq.anchor_at}::timestamptz + s.delay_seconds * interval '1 second'
               END AS due_at
        FROM sequence_steps s WHERE s.sequence_id = ${blastId} ORDER BY s.position`,
  );
  const reports = await reportsFor(
    db,
    steps.flatMap((s) => (s.blast_id === null ? [] : [s.blast_id])),
  );
  const members = await rows<{ left_reason: LeaveReason | null; taken_over_by: number | null; n: number }>(
    db,
    sql`SELECT left_reason, taken_over_by, count(*)::int AS n FROM sequence_members WHERE sequence_id = ${blastId} GROUP BY 1, 2`,
  );
  const left = Object.fromEntries(LEAVE_REASONS.map((r) => [r, 0])) as Record<LeaveReason, number>;
  const takers = new Map<number, number>();
  let total = 0;
  let active = 0;
  for (const m of members) {
    total += m.n;
    if (m.left_reason === null) active += m.n;
    else left[m.left_reason] = (left[m.left_reason] ?? 0) + m.n;
    if (m.taken_over_by !== null) takers.set(m.taken_over_by, (takers.get(m.taken_over_by) ?? 0) + m.n);
  }
  const live = seq.state === 'running' || seq.state === 'paused';
  return {
    blast_id: blastId,
    state: seq.state,
    created_at: isoTime(seq.created_at)!,
    updated_at: isoTime(seq.updated_at)!,
    waiting_for_blast_id: live && seq.anchor_at === null ? seq.anchor_blast_id : null,
    steps: steps.map((s) => ({
      ...s,
      due_at: isoTime(s.due_at),
      created_at: isoTime(s.created_at),
      counts: s.blast_id === null ? null : (reports.get(s.blast_id) ?? null),
    })),
    members: { total, active, left, taken_over_by: [...takers].map(([blast_id, n]) => ({ blast_id, members: n })) },
  };
}
