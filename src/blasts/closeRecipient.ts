import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { normalisePhone } from '../domain/phone.ts';
import { type CloseOutcome, reopenStatusSql } from '../domain/reopen.ts';
import { AppError, notFound } from '../errors.ts';
import { RECIPIENT_COLUMNS, type RecipientRow, type RecipientView, toRecipientView } from './listRecipients.ts';
import { statusIn } from '../db/statusSql.ts';
import { SENT } from '../domain/status.ts';

export interface CloseDetails {
  outcome?: CloseOutcome | null | undefined;
  note?: string | null | undefined;
}

/**
 * CLOSED is a business outcome a person records, with an optional outcome (won/lost) and note.
 * Only a recipient that was really sent (PENDING or beyond) can be closed; closing twice is
 * harmless, keeps the first closed_at and the status it closed from, and updates outcome and note
 * where given.
 */
export async function closeRecipient(db: Db, recipientId: number, details: CloseDetails = {}): Promise<RecipientView> {
  const [row] = await rows<RecipientRow>(
    db,
    sql`UPDATE blast_recipients SET status = 'CLOSED', closed_at = coalesce(closed_at, now()), next_poll_at = NULL,
          closed_from = CASE WHEN status = 'CLOSED' THEN closed_from ELSE status END,
          close_outcome = coalesce(${details.outcome ?? null}, close_outcome),
          close_note = coalesce(${details.note ?? null}, close_note)
        WHERE id = ${recipientId} AND ${statusIn(SENT)}
        RETURNING ${RECIPIENT_COLUMNS}`,
  );
  if (row) return toRecipientView(row);
  const [current] = await rows<{ status: string }>(db, sql`SELECT status FROM blast_recipients WHERE id = ${recipientId}`);
  if (!current) throw notFound(`Recipient ${recipientId}`);
  throw new AppError('invalid_state', `Only a sent recipient can be closed; this one is ${current.status}`, { status: current.status });
}

/**
 * Undoes a close: back to the status it was closed from (see domain/reopen.ts), closed_at, outcome
 * and note cleared. The counters' triggers move the funnel back in the same statement.
 */
export async function reopenRecipient(db: Db, recipientId: number): Promise<RecipientView> {
  const [row] = await rows<RecipientRow>(
    db,
    sql`UPDATE blast_recipients SET status = ${sql.raw(reopenStatusSql())},
          closed_at = NULL, closed_from = NULL, close_outcome = NULL, close_note = NULL
        WHERE id = ${recipientId} AND status = 'CLOSED'
        RETURNING ${RECIPIENT_COLUMNS}`,
  );
  if (row) return toRecipientView(row);
  const [current] = await rows<{ status: string }>(db, sql`SELECT status FROM blast_recipients WHERE id = ${recipientId}`);
  if (!current) throw notFound(`Recipient ${recipientId}`);
  throw new AppError('invalid_state', `Only a closed recipient can be reopened; this one is ${current.status}`, { status: current.status });
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
