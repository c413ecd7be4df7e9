import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { isOptOut } from '../domain/optOut.ts';
import { normalisePhone } from '../domain/phone.ts';

export interface Inbound {
  from: string;
  text: string;
  payload: Record<string, unknown>;
}

/**
 * A reply marks the latest recipient sent to that number within the window REPLIED (a reply
 * proves delivery and reading, so it counts as both even without READ_ACK; from UNCERTAIN too,
 * since it proves the message arrived). The text is kept; STOP and friends add an opt-out.
 * Returns the blast that changed, if any.
 */
export async function applyInbound(tx: Db, m: Inbound, region: string, windowHours: number): Promise<number | null> {
  const parsed = normalisePhone(m.from, region);
  const phone = parsed.ok ? parsed.e164 : m.from;
  const [hit] = await rows<{ id: number; blast_id: number }>(
    tx,
    sql`SELECT id, blast_id FROM blast_recipients
        WHERE phone_number = ${phone}
          AND status IN ('PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED', 'UNCERTAIN')
          AND coalesce(sent_at, claimed_at) > now() - ${windowHours} * interval '1 hour'
        ORDER BY coalesce(sent_at, claimed_at) DESC, id DESC
        LIMIT 1
        FOR UPDATE`,
  );
  let changed: number | null = null;
  if (hit) {
    const moved = await rows<{ blast_id: number }>(
      tx,
      sql`UPDATE blast_recipients SET status = 'REPLIED',
            sent_at = coalesce(sent_at, now()), delivered_at = coalesce(delivered_at, now()),
            read_at = coalesce(read_at, now()), replied_at = coalesce(replied_at, now()), next_poll_at = NULL
          WHERE id = ${hit.id} AND status_rank < 5
          RETURNING blast_id`,
    );
    if (moved.length) changed = hit.blast_id;
  }
  await tx.execute(
    sql`INSERT INTO inbound_messages (phone_number, text, recipient_id, payload)
        VALUES (${phone}, ${m.text}, ${hit?.id ?? null}, ${JSON.stringify(m.payload)}::jsonb)`,
  );
  if (isOptOut(m.text)) {
    await tx.execute(
      sql`INSERT INTO opt_outs (phone_number, reason) VALUES (${phone}, ${`replied "${m.text.slice(0, 40)}"`})
          ON CONFLICT (phone_number) DO NOTHING`,
    );
  }
  return changed;
}
