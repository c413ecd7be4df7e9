import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { affected, rows } from '../db/client.ts';
import type { PacingPreset } from '../domain/pacingRules.ts';
import type { PreparedRecipient } from './prepareRecipients.ts';

/** The statements of blasts/createBlast.ts, each run inside its one transaction. */

export interface NewBlastRow {
  tag: string | null;
  message: string;
  followUpStage: string | null;
  device: string;
  scheduledAt: Date | null;
  parentBlastId: number | null;
  segment: string | null;
  pacingPreset: PacingPreset | null;
}

/** The blast as a draft with no recipients yet: they follow slice by slice, the total at the end. */
export async function insertDraftBlast(tx: Db, b: NewBlastRow): Promise<number> {
  const [blast] = await rows<{ id: number }>(
    tx,
    sql`INSERT INTO blasts (tag, message, follow_up_stage, device, state, scheduled_at, parent_blast_id, segment, total_recipients, pacing_preset)
        VALUES (${b.tag}, ${b.message}, ${b.followUpStage}, ${b.device}, 'draft', ${b.scheduledAt?.toISOString() ?? null},
                ${b.parentBlastId}, ${b.segment}, 0, ${b.pacingPreset})
        RETURNING id`,
  );
  return blast!.id;
}

/** The sender pool in its order; position 0 is the primary device (blasts.device). */
export async function insertBlastDevices(tx: Db, blastId: number, pool: readonly string[]): Promise<void> {
  await tx.execute(
    sql`INSERT INTO blast_devices (blast_id, device, position)
        SELECT ${blastId}, d.device, d.position - 1 FROM json_array_elements_text(${JSON.stringify(pool)}::json) WITH ORDINALITY AS d(device, position)`,
  );
}

/**
 * One slice of recipients as INSERT … SELECT over one JSON parameter: a round trip per slice
 * instead of per row, and no limit on the parameter count. Numbers that opted out are left out
 * here, in the statement that would store them, so no opt-out recorded before it can slip in.
 * Returns how many were stored; the rest of the slice had opted out. ORDER BY the slice's order:
 * ids follow the input (lists and exports show recipients as given), and the anti-join that
 * leaves opted-out numbers out need not keep it.
 */
export async function insertRecipients(tx: Db, blastId: number, slice: readonly PreparedRecipient[]): Promise<number> {
  const payload = JSON.stringify(slice.map((r) => ({ p: r.phone, v: r.vars })));
  return affected(
    tx,
    sql`INSERT INTO blast_recipients (blast_id, phone_number, variables)
        SELECT ${blastId}, r.p, coalesce(r.v, '{}'::jsonb)
        FROM ROWS FROM (json_to_recordset(${payload}::json) AS (p text, v jsonb)) WITH ORDINALITY AS r(p, v, n)
        WHERE NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = r.p)
        ORDER BY r.n`,
  );
}

export async function setTotalRecipients(tx: Db, blastId: number, total: number): Promise<void> {
  await tx.execute(sql`UPDATE blasts SET total_recipients = ${total} WHERE id = ${blastId}`);
}
