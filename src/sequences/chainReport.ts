import { sql } from 'drizzle-orm';
import { reportsFor } from '../blasts/report.ts';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { ChainReport } from '../api/contract.ts';
import { chainStages, rate } from '../domain/sequence.ts';
import { RANK } from '../domain/status.ts';
import { notFound } from '../errors.ts';

export type { ChainReport };

/**
 * The report of a whole chain: per stage (the root is position 0, then each created step with a
 * blast) sent, read and replied from that blast's funnel counters, and how many of the original
 * recipients had replied by then — each person counted once, at the first stage they answered.
 */
export async function chainReport(db: Db, blastId: number): Promise<ChainReport> {
  const stages = await rows<{ position: number; blast_id: number; follow_up_stage: string | null; segment: string | null }>(
    db,
    sql`SELECT 0 AS position, b.id AS blast_id, b.follow_up_stage, NULL::text AS segment
        FROM sequences q JOIN blasts b ON b.id = q.blast_id WHERE q.blast_id = ${blastId}
        UNION ALL
        SELECT s.position, s.blast_id, s.follow_up_stage, s.segment
        FROM sequence_steps s WHERE s.sequence_id = ${blastId} AND s.blast_id IS NOT NULL
        ORDER BY 1`,
  );
  if (stages.length === 0) {
    const [blast] = await rows<{ id: number }>(db, sql`SELECT id FROM blasts WHERE id = ${blastId}`);
    throw notFound(blast ? `A sequence for blast ${blastId}` : `Blast ${blastId}`);
  }
  // Each phone's first stage at REPLIED or beyond, over the chain's rows: "replied" as the funnel
  // counts it (a closed recipient counts as replied there too).
  const first = await rows<{ position: number; n: number }>(
    db,
    sql`WITH chain AS (SELECT * FROM json_to_recordset(${JSON.stringify(stages.map((s) => ({ p: s.position, b: s.blast_id })))}::json) AS c(p int, b bigint)),
             firsts AS (
               SELECT r.phone_number, min(c.p) AS position
               FROM chain c JOIN blast_recipients r ON r.blast_id = c.b
               WHERE r.status_rank >= ${RANK.REPLIED}
               GROUP BY r.phone_number)
        SELECT position, count(*)::int AS n FROM firsts GROUP BY position`,
  );
  const firstAt = new Map(first.map((f) => [f.position, f.n]));
  const reports = await reportsFor(
    db,
    stages.map((s) => s.blast_id),
  );
  const root = reports.get(blastId)!;
  const counted = chainStages(
    stages.map((s) => {
      const r = reports.get(s.blast_id)!;
      return { position: s.position, sent: r.sent, read: r.read, replied: r.replied, firstReplies: firstAt.get(s.position) ?? 0 };
    }),
    root.sent,
  );
  const replied = counted.at(-1)?.cumulative_replied ?? 0;
  return {
    blast_id: blastId,
    original_recipients: root.total,
    sent: root.sent,
    replied,
    reply_rate: rate(replied, root.sent),
    stages: counted.map((c, i) => ({
      ...c,
      blast_id: stages[i]!.blast_id,
      follow_up_stage: stages[i]!.follow_up_stage,
      segment: stages[i]!.segment,
    })),
  };
}
