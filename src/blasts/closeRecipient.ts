import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { normalisePhone } from '../domain/phone.ts';
import { AppError, notFound } from '../errors.ts';
import { RECIPIENT_COLUMNS, type RecipientRow, type RecipientView, toRecipientView } from './listRecipients.ts';

/**
 * CLOSED is a business outcome a person records. Only a recipient that was really sent
 * (PENDING or beyond) can be closed; closing twice is harmless and keeps the first closed_at.
 */
export async function closeRecipient(db: Db, recipientId: number): Promise<RecipientView> {
  const [row] = await rows<RecipientRow>(
    db,
    sql`UPDATE blast_recipients SET status = 'CLOSED', closed_at = coalesce(closed_at, now()), next_poll_at = NULL
        WHERE id = ${recipientId} AND status IN ('PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED')
        RETURNING ${RECIPIENT_COLUMNS}`,
  );
  if (row) return toRecipientView(row);
  const [current] = await rows<{ status: string }>(db, sql`SELECT status FROM blast_recipients WHERE id = ${recipientId}`);
  if (!current) throw notFound(`Recipient ${recipientId}`);
  throw new AppError('invalid_state', `Only a sent recipient can be closed; this one is ${current.status}`, { status: current.status });
}

export async function closeRecipientByPhone(db: Db, blastId: number, phone: string, region: string): Promise<RecipientView> {
  const parsed = normalisePhone(phone, region);
  if (!parsed.ok) throw new AppError('validation_failed', `phone: ${parsed.reason}`, [{ field: 'phone', message: parsed.reason }]);
  const [found] = await rows<{ id: number }>(
    db,
    sql`SELECT id FROM blast_recipients WHERE blast_id = ${blastId} AND phone_number = ${parsed.e164}`,
  );
  if (!found) throw notFound(`Recipient ${parsed.e164} in blast ${blastId}`);
  return closeRecipient(db, found.id);
}
