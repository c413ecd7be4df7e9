import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { PROBABLY_BLOCKED_DAYS } from '../domain/deviceHealth.ts';
import { isoTime } from '../util/pgTime.ts';

export interface ProbablyBlocked {
  phone_number: string;
  /** The first message of theirs that stayed undelivered. */
  sent_at: string;
  blast_id: number;
  recipient_id: number;
}

/**
 * A device's messages that WhatsApp's server accepted (PENDING) but that were never delivered for
 * PROBABLY_BLOCKED_DAYS — the recipient most likely blocked the number. Not listed: numbers
 * already opted out, and numbers that received or answered anything from us since (they are not
 * blocking). Reads blast_recipients_undelivered_idx, which holds only never-delivered sends.
 */
function stuck(devices: SQL): SQL {
  return sql`SELECT r.device, r.phone_number, r.sent_at, r.blast_id, r.id
             FROM blast_recipients r
             WHERE r.status = 'PENDING' AND r.device IN (${devices})
               AND r.sent_at < now() - ${PROBABLY_BLOCKED_DAYS} * interval '1 day'
               AND NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = r.phone_number)
               AND NOT EXISTS (
                 SELECT 1 FROM blast_recipients later
                 WHERE later.phone_number = r.phone_number AND later.sent_at > r.sent_at
                   AND later.status IN ('DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED'))
               AND NOT EXISTS (SELECT 1 FROM inbound_messages m WHERE m.phone_number = r.phone_number AND m.received_at > r.sent_at)`;
}

/** How many distinct numbers each device probably lost. */
export async function stuckUndelivered(db: Db, devices: readonly string[]): Promise<Map<string, number>> {
  if (devices.length === 0) return new Map();
  const found = await rows<{ device: string; n: number }>(
    db,
    sql`SELECT s.device, count(DISTINCT s.phone_number)::int AS n
        FROM (${stuck(sql`SELECT json_array_elements_text(${JSON.stringify(devices)}::json)`)}) s
        GROUP BY s.device`,
  );
  return new Map(found.map((f) => [f.device, f.n]));
}

/** One device's probably-blocked numbers, oldest first, one row a number. */
export async function listProbablyBlocked(
  db: Db,
  device: string,
  page: { limit: number; offset: number },
): Promise<{ numbers: ProbablyBlocked[]; total: number }> {
  const found = await rows<ProbablyBlocked & { id: number; total: number }>(
    db,
    sql`SELECT phone_number, sent_at, blast_id, id, count(*) OVER ()::int AS total
        FROM (SELECT DISTINCT ON (s.phone_number) s.* FROM (${stuck(sql`${device}`)}) s ORDER BY s.phone_number, s.sent_at) first
        ORDER BY sent_at, phone_number
        LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const total = found[0]?.total ?? (page.offset > 0 ? ((await stuckUndelivered(db, [device])).get(device) ?? 0) : 0);
  return {
    numbers: found.map((f) => ({ phone_number: f.phone_number, sent_at: isoTime(f.sent_at)!, blast_id: f.blast_id, recipient_id: f.id })),
    total,
  };
}
