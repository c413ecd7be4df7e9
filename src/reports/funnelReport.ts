import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { funnelFromCounts, type StatusCounts } from '../domain/funnel.ts';
import { type Stage, type StageCounts, stageFunnel } from '../domain/stageFunnel.ts';
import type { Status } from '../domain/status.ts';
import type { Bounds } from '../domain/timeBounds.ts';
import type { FunnelGroup, FunnelReport, ReportGroupBy as GroupBy } from '../api/contract.ts';

export type { FunnelGroup, FunnelReport, GroupBy };

const BLAST_KEY: Record<Exclude<GroupBy, 'day'>, SQL> = {
  follow_up_stage: sql`b.follow_up_stage`,
  tag: sql`b.tag`,
  device: sql`b.device`,
};

/**
 * The funnel across blasts, from maintained counters only — never a scan of the recipients.
 *
 * By stage, tag or device: the per-blast status counters (blast_status_counts, migration 0002)
 * joined to their blasts, so `from`/`to` select BLASTS by when they were created and each counts
 * with its current funnel (the cumulative funnel of domain/funnel.ts: a recipient now READ counts
 * as sent, received and read).
 *
 * By day: the per-blast, per-UTC-hour stage-event counters (blast_stage_hours, migration 0007),
 * so `from`/`to` select EVENTS by when they happened (to the hour) and a day counts the
 * recipients that first reached each stage that day in `tz` — the day a message was read, not the
 * day its blast was created. Hours fold into days of any whole-hour zone exactly; in a zone with a
 * half-hour offset an hour straddling midnight counts in the day it starts in.
 */
export async function funnelReport(db: Db, groupBy: GroupBy, bounds: Bounds, tz: string): Promise<FunnelReport> {
  const groups = groupBy === 'day' ? await byDay(db, bounds, tz) : await byBlast(db, BLAST_KEY[groupBy], bounds);
  const sum = (s: Stage) => groups.reduce((a, g) => a + g[s], 0);
  return {
    group_by: groupBy,
    tz,
    from: bounds.from?.toISOString() ?? null,
    to: bounds.to?.toISOString() ?? null,
    groups,
    total: stageFunnel({ sent: sum('sent'), received: sum('received'), read: sum('read'), replied: sum('replied'), closed: sum('closed') }),
  };
}

async function byBlast(db: Db, key: SQL, bounds: Bounds): Promise<FunnelGroup[]> {
  const found = await rows<{ key: string | null; status: Status; n: number }>(
    db,
    sql`SELECT ${key} AS key, c.status, sum(c.n)::float8 AS n
        FROM blast_status_counts c JOIN blasts b ON b.id = c.blast_id
        WHERE ${within(sql`b.created_at`, bounds)}
        GROUP BY 1, 2
        HAVING sum(c.n) <> 0`,
  );
  const byKey = new Map<string | null, StatusCounts>();
  for (const r of found) {
    const counts = byKey.get(r.key) ?? {};
    counts[r.status] = Number(r.n);
    byKey.set(r.key, counts);
  }
  return [...byKey]
    .map(([k, counts]) => ({ key: k, ...stageFunnel(funnelFromCounts(counts)) }))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)));
}

async function byDay(db: Db, bounds: Bounds, tz: string): Promise<FunnelGroup[]> {
  // Hours first (integer sums over the index), then the few thousand hours into local days, in
  // float8 (exact for counts below 2^53) so no step falls back to numeric arithmetic.
  const found = await rows<StageCounts & { day: string }>(
    db,
    sql`SELECT to_char(date_trunc('day', hour AT TIME ZONE ${tz}), 'YYYY-MM-DD') AS day,
               sum(sent) AS sent, sum(received) AS received, sum(read) AS read, sum(replied) AS replied, sum(closed) AS closed
        FROM (
          SELECT h.hour, sum(h.sent)::float8 AS sent, sum(h.received)::float8 AS received, sum(h.read)::float8 AS read,
                 sum(h.replied)::float8 AS replied, sum(h.closed)::float8 AS closed
          FROM blast_stage_hours h
          WHERE ${within(sql`h.hour`, bounds)}
          GROUP BY h.hour
        ) AS hours
        GROUP BY 1
        HAVING sum(sent) <> 0 OR sum(received) <> 0 OR sum(read) <> 0 OR sum(replied) <> 0 OR sum(closed) <> 0
        ORDER BY 1`,
  );
  return found.map(({ day, ...counts }) => ({ key: day, ...stageFunnel(counts) }));
}

function within(column: SQL, b: Bounds): SQL {
  const parts: SQL[] = [sql`true`];
  if (b.from) parts.push(sql`${column} >= ${b.from.toISOString()}::timestamptz`);
  if (b.to) parts.push(sql`${column} < ${b.to.toISOString()}::timestamptz`);
  return sql.join(parts, sql` AND `);
}
