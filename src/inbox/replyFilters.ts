import { type SQL, sql } from 'drizzle-orm';
import { containsPattern, phoneDigitsPattern } from '../util/likePattern.ts';

export interface ReplyFilter {
  blastId?: number | undefined;
  stage?: string | undefined;
  tag?: string | undefined;
  /** Bounds on received_at, already resolved to instants (see reports/timeBounds.ts). */
  from?: Date | undefined;
  to?: Date | undefined;
  /**
   * Leads still to chase: replies whose recipient is not CLOSED (replies that matched no recipient
   * stay in), from numbers that have not opted out — a STOP is never a lead.
   */
  open?: boolean | undefined;
  /** Digits of the number, or text anywhere in the reply or the recipient's name. */
  q?: string | undefined;
}

/**
 * The WHERE of the inbox over `inbound_messages i LEFT JOIN blast_recipients r LEFT JOIN blasts b`.
 * Every value is a bound parameter. A search that looks like a number (digits, spaces, + - ( ))
 * also matches the number's digits, so "012-345 6789" finds +60123456789.
 */
export function replyWhere(f: ReplyFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.blastId !== undefined) parts.push(sql`r.blast_id = ${f.blastId}`);
  if (f.stage !== undefined) parts.push(sql`b.follow_up_stage = ${f.stage}`);
  if (f.tag !== undefined) parts.push(sql`b.tag = ${f.tag}`);
  if (f.from) parts.push(sql`i.received_at >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) parts.push(sql`i.received_at < ${f.to.toISOString()}::timestamptz`);
  if (f.open)
    parts.push(sql`(r.id IS NULL OR r.status <> 'CLOSED') AND NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = i.phone_number)`);
  const q = f.q?.trim();
  if (q) {
    const like = containsPattern(q);
    const ors: SQL[] = [sql`i.text ILIKE ${like}`, sql`r.variables->>'name' ILIKE ${like}`];
    const digits = phoneDigitsPattern(q);
    if (digits) ors.push(sql`i.phone_number LIKE ${digits}`);
    parts.push(sql`(${sql.join(ors, sql` OR `)})`);
  }
  return sql.join(parts, sql` AND `);
}
