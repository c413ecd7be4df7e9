import { type SQL, sql } from 'drizzle-orm';

/**
 * The funnel across blasts computed the slow, obvious way, by scanning every recipient: the
 * oracle that GET /api/reports/funnel must equal (test/integration/inbox-reports.test.ts) and the
 * baseline it must beat (bench report_aggregate). Rows: { key, sent, received, read, replied,
 * closed }, ordered by key.
 */

/** Cumulative counts per value of a blast's column: each recipient counts in every stage up to its own. */
export function funnelScanByBlast(key: 'follow_up_stage' | 'tag' | 'device'): SQL {
  return sql`SELECT b.${sql.raw(key)} AS key,
       count(*) FILTER (WHERE r.status_rank >= 2)::int AS sent,
       count(*) FILTER (WHERE r.status_rank >= 3)::int AS received,
       count(*) FILTER (WHERE r.status_rank >= 4)::int AS read,
       count(*) FILTER (WHERE r.status_rank >= 5)::int AS replied,
       count(*) FILTER (WHERE r.status = 'CLOSED')::int AS closed
FROM blast_recipients r JOIN blasts b ON b.id = r.blast_id
GROUP BY 1 ORDER BY 1`;
}

/** Per day in `tz` ('YYYY-MM-DD'), each stage counted on the day a recipient reached it. */
export function funnelScanByDay(tz: string): SQL {
  return sql`SELECT day AS key,
       count(*) FILTER (WHERE stage = 'sent')::int AS sent, count(*) FILTER (WHERE stage = 'received')::int AS received,
       count(*) FILTER (WHERE stage = 'read')::int AS read, count(*) FILTER (WHERE stage = 'replied')::int AS replied,
       count(*) FILTER (WHERE stage = 'closed')::int AS closed
FROM (
  SELECT to_char((s.at AT TIME ZONE ${tz})::date, 'YYYY-MM-DD') AS day, s.stage
  FROM blast_recipients r
  CROSS JOIN LATERAL (VALUES ('sent', r.sent_at), ('received', r.delivered_at), ('read', r.read_at),
                             ('replied', r.replied_at), ('closed', r.closed_at)) AS s(stage, at)
  WHERE s.at IS NOT NULL
) d
GROUP BY 1 ORDER BY 1`;
}
