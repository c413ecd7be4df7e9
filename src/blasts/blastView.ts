import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { notFound } from '../errors.ts';
import { isoTime } from '../util/pgTime.ts';
import { type Report, reportsFor } from './report.ts';

export type BlastState = 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';

/** A blast as the API shows it: its row plus the live funnel. */
export type BlastView = BlastRow & { report: Report };

interface BlastRow {
  id: number;
  tag: string | null;
  message: string;
  follow_up_stage: string | null;
  device: string;
  /** The sender pool, primary first. */
  devices: string[];
  state: BlastState;
  scheduled_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  parent_blast_id: number | null;
  segment: string | null;
  total_recipients: number;
  last_error: string | null;
}

const COLUMNS = sql`id, tag, message, follow_up_stage, device,
                    array(SELECT bd.device FROM blast_devices bd WHERE bd.blast_id = blasts.id ORDER BY bd.position) AS devices,
                    state, scheduled_at, started_at, completed_at, created_at, parent_blast_id, segment, total_recipients, last_error`;

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
    report,
  };
}
