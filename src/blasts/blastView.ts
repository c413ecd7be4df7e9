import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { notFound } from '../errors.ts';
import { isoTime } from '../util/pgTime.ts';
import { type PlanReader, queuedAhead } from './blastPlan.ts';
import { reportsFor } from './report.ts';
import type { BlastRow, BlastView, Report, SendPlan as Plan } from '../api/contract.ts';

export type { BlastState, BlastView } from '../api/contract.ts';

const COLUMNS = sql`id, tag, message, follow_up_stage, device,
                    array(SELECT bd.device FROM blast_devices bd WHERE bd.blast_id = blasts.id ORDER BY bd.position) AS devices,
                    state, scheduled_at, started_at, completed_at,
                    created_at, parent_blast_id, segment, total_recipients, last_error, archived_at, archive_file,
                    pacing_preset`;

export async function getBlast(db: Db, id: number, plans?: PlanReader): Promise<BlastView> {
  const [row] = await rows<BlastRow>(db, sql`SELECT ${COLUMNS} FROM blasts WHERE id = ${id}`);
  if (!row) throw notFound(`Blast ${id}`);
  const reports = await reportsFor(db, [id]);
  const view = toView(row, reports.get(id)!);
  return plans ? { ...view, plan: await planOf(db, view, plans) } : view;
}

/** Newest first; the page's funnels come from one grouped query, not one per blast. */
export async function listBlasts(
  db: Db,
  page: { limit: number; offset: number },
  plans?: PlanReader,
): Promise<{ blasts: BlastView[]; total: number; limit: number; offset: number }> {
  const found = await rows<BlastRow>(
    db,
    sql`SELECT ${COLUMNS} FROM blasts ORDER BY created_at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const [count] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM blasts`);
  const reports = await reportsFor(
    db,
    found.map((b) => b.id),
  );
  const views = found.map((b) => toView(b, reports.get(b.id)!));
  if (plans) for (const v of views) v.plan = await planOf(db, v, plans);
  return { blasts: views, total: count!.n, ...page };
}

/** A live blast's remaining messages at its device's pace; a finished one has nothing left. */
async function planOf(db: Db, b: BlastView, plans: PlanReader): Promise<Plan> {
  const live = b.state === 'sending' || b.state === 'scheduled' || b.state === 'paused' || b.state === 'draft';
  const remaining = live ? b.report.queued + b.report.sending : 0;
  const ahead = b.state === 'sending' && remaining > 0 ? await queuedAhead(db, b.device, b.id) : 0;
  return plans.plan(b.device, b.pacing_preset, remaining, ahead, b.state !== 'paused');
}

function toView(row: BlastRow, report: Report): BlastView {
  return {
    ...row,
    scheduled_at: isoTime(row.scheduled_at),
    started_at: isoTime(row.started_at),
    completed_at: isoTime(row.completed_at),
    created_at: isoTime(row.created_at)!,
    archived_at: isoTime(row.archived_at),
    report,
  };
}
