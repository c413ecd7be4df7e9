import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { isoTime } from '../util/pgTime.ts';
import {
  RECIPIENT_COLUMNS,
  type RecipientFilter,
  type RecipientRow,
  type RecipientView,
  recipientWhere,
  toRecipientView,
} from './listRecipients.ts';

export interface ExportedRecipient extends RecipientView {
  /** The latest reply's text and time, if any. */
  reply_text: string | null;
  reply_at: string | null;
  /** The number is on the opt-out list now (it may have said STOP to any blast). */
  opted_out: boolean;
}

type ExportRow = RecipientRow & { reply_text: string | null; reply_at: string | null; opted_out: boolean };

/**
 * Every matching recipient for the CSV export, in id order, a chunk at a time (keyset pagination
 * keeps memory flat), each with its latest reply and whether its number opted out. The reply is
 * looked up per row on inbound_messages_recipient_idx (a probe per row, not a sort of all replies).
 */
export async function* exportRecipients(db: Db, f: RecipientFilter, chunk = 5000): AsyncGenerator<ExportedRecipient[]> {
  let after = 0;
  for (;;) {
    const found = await rows<ExportRow>(
      db,
      sql`SELECT ${RECIPIENT_COLUMNS},
            (SELECT i.text FROM inbound_messages i WHERE i.recipient_id = r.id ORDER BY i.received_at DESC, i.id DESC LIMIT 1) AS reply_text,
            (SELECT max(i.received_at) FROM inbound_messages i WHERE i.recipient_id = r.id) AS reply_at,
            EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = r.phone_number) AS opted_out
          FROM blast_recipients r
          WHERE ${recipientWhere(f)} AND r.id > ${after}
          ORDER BY r.id LIMIT ${chunk}`,
    );
    if (found.length === 0) return;
    yield found.map(({ reply_text, reply_at, opted_out, ...r }) => ({
      ...toRecipientView(r),
      reply_text,
      reply_at: isoTime(reply_at),
      opted_out,
    }));
    after = found[found.length - 1]!.id;
  }
}
