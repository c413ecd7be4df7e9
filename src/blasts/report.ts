import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { funnelFromCounts, type StatusCounts } from '../domain/funnel.ts';
import type { Status } from '../domain/status.ts';
import { bigintArray } from '../db/statusSql.ts';
import type { Report } from '../api/contract.ts';

export type { Report };

interface Row {
  blast_id: number;
  status: Status;
  n: number;
  deliver_sum: number | null;
  deliver_n: number;
  read_sum: number | null;
  read_n: number;
}

/**
 * The funnel of several blasts in ONE query over blast_status_counts — the per-(blast, status)
 * counters a trigger keeps (migration 0002) — so its cost does not grow with the blast: a million
 * recipients are a few rows here, where a GROUP BY over blast_recipients read a million (450 ms,
 * bench report_1m). Rows are deltas until the engine folds them, hence the sums. The cumulative
 * funnel is then pure arithmetic on at most ten rows per blast (domain/funnel.ts). Sums of stage
 * times rather than averages are kept, so groups combine exactly.
 */
export async function reportsFor(db: Db, blastIds: readonly number[]): Promise<Map<number, Report>> {
  const out = new Map<number, Report>();
  if (blastIds.length === 0) return out;
  const found = await rows<Row>(
    db,
    sql`SELECT blast_id, status, sum(n)::int AS n,
               sum(deliver_seconds)::float8 AS deliver_sum, sum(deliver_n)::int AS deliver_n,
               sum(read_seconds)::float8 AS read_sum, sum(read_n)::int AS read_n
        FROM blast_status_counts
        WHERE blast_id = ANY(${bigintArray(blastIds)})
        GROUP BY blast_id, status
        HAVING sum(n) <> 0`,
  );
  const byBlast = new Map<number, Row[]>();
  for (const r of found) byBlast.set(r.blast_id, [...(byBlast.get(r.blast_id) ?? []), r]);
  for (const id of blastIds) out.set(id, toReport(byBlast.get(id) ?? []));
  return out;
}

export async function getReport(db: Db, blastId: number): Promise<Report> {
  return (await reportsFor(db, [blastId])).get(blastId)!;
}

function toReport(group: Row[]): Report {
  const counts: StatusCounts = {};
  let dSum = 0;
  let dN = 0;
  let rSum = 0;
  let rN = 0;
  for (const r of group) {
    counts[r.status] = r.n;
    dSum += r.deliver_sum ?? 0;
    dN += r.deliver_n;
    rSum += r.read_sum ?? 0;
    rN += r.read_n;
  }
  return {
    ...funnelFromCounts(counts),
    avg_seconds_to_deliver: dN === 0 ? null : round1(dSum / dN),
    avg_seconds_to_read: rN === 0 ? null : round1(rSum / rN),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
