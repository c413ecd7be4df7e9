import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { type Funnel, funnelFromCounts, type StatusCounts } from '../domain/funnel.ts';
import type { Status } from '../domain/status.ts';

export interface Report extends Funnel {
  avg_seconds_to_deliver: number | null;
  avg_seconds_to_read: number | null;
}

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
 * The funnel of several blasts in ONE aggregate query: a GROUP BY over (blast_id, status), which
 * the (blast_id, status) index serves; the cumulative funnel is then pure arithmetic on at most
 * ten rows per blast (domain/funnel.ts). Sums rather than averages come back so groups combine exactly.
 */
export async function reportsFor(db: Db, blastIds: readonly number[]): Promise<Map<number, Report>> {
  const out = new Map<number, Report>();
  if (blastIds.length === 0) return out;
  const found = await rows<Row>(
    db,
    sql`SELECT blast_id, status, count(*)::int AS n,
               sum(extract(epoch FROM delivered_at - sent_at))::float8 AS deliver_sum,
               count(delivered_at)::int AS deliver_n,
               sum(extract(epoch FROM read_at - sent_at))::float8 AS read_sum,
               count(read_at)::int AS read_n
        FROM blast_recipients
        WHERE blast_id = ANY(${`{${blastIds.join(',')}}`}::bigint[])
        GROUP BY blast_id, status`,
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
