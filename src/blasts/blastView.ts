import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { notFound } from '../errors.ts';
import { isoTime } from '../util/pgTime.ts';
import { reportsFor } from './report.ts';
import type { BlastRow, BlastView, Report } from '../api/contract.ts';


export type { BlastState, BlastView } from '../api/contract.ts';

const COLUMNS = sql`id, tag, message, follow_up_stage, device, state, scheduled_at, started_at, completed_at,
                    created_at, parent_blast_id, segment, total_recipients, last_error, archived_at, archive_file`;

export async function getBlast(db: Db, id: number): Promise<BlastView> {
  const [row] = await rows<BlastRow>(db, sql`SELECT ${COLUMNS} FROM blasts WHERE id = ${id}`);
  if (!row) throw notFound(`Blast ${id}`);
  const reports = await reportsFor(db, [id]);
  return toView(row, reports.get(id)!);
}

/** Newest first; the page's funnels come from one grouped query, not one per blast. */
export async function listBlasts(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ blasts: BlastView[]; total: number; limit: number; offset: number }> {
  const found = await rows<BlastRow>(
    db,
    sql`SELECT ${COLUMNS} FROM blasts ORDER BY created_at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const [count] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM blasts`);
  const reports = await reportsFor(db, found.map((b) => b.id));
  return { blasts: found.map((b) => toView(b, reports.get(b.id)!)), total: count!.n, ...page };
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
