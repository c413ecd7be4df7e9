import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { type Variation, summariseVariation } from '../domain/variation.ts';
import { type CreateWarning, outsideCountryWarning } from '../domain/countryNote.ts';
import type { PacingPreset } from '../domain/pacingRules.ts';
import { AppError } from '../errors.ts';
import { assignStickySenders } from '../send/phoneSenders.ts';
import { optedOutAmong } from '../optOuts/optOutStore.ts';
import { recentlyMessaged } from './recentlyMessaged.ts';
import { type RawRecipient, RecipientPreparer, prepareRecipients } from './prepareRecipients.ts';
import type { CreateBlastResult } from '../api/contract.ts';

export type { CreateBlastResult };

export interface CreateBlastInput {
  tag: string | null;
  message: string;
  followUpStage: string | null;
  scheduledAt: Date | null;
  /** The primary device: blasts.device, the first of the sender pool. */
  device: string;
  /** The rest of the sender pool (sticky sender, most room; see send/claimRecipients.ts). */
  devices?: readonly string[];
  /** Raw rows, or rows already prepared one by one as they arrived (a CSV upload). */
  recipients: RawRecipient[] | RecipientPreparer;
  dryRun: boolean;
  parentBlastId?: number | null;
  segment?: string | null;
  /** This blast's pace; null: the device's. */
  pacingPreset?: PacingPreset | null;
}

export interface CreateLimits {
  region: string;
  maxRecipients: number;
  /** Given, a dry run says how varied the texts are: warn above `warnAt` identical texts unless `preset` is fast. */
  variation?: { warnAt: number; preset?: string | null };
}

const MAX_INVALID_REPORTED = 1000;
const INSERT_SLICE = 10_000;

/**
 * Creates a blast and all its recipients in one transaction, or nothing at all.
 * Recipients go in as INSERT … SELECT over a JSON parameter, 10,000 rows a statement: ten round
 * trips for 100,000 rows instead of 100,000, and no statement-size limit on the parameter count.
 */
export async function createBlast(db: Db, input: CreateBlastInput, limits: CreateLimits): Promise<CreateBlastResult> {
  const given = input.recipients instanceof RecipientPreparer ? input.recipients.count : input.recipients.length;
  if (given > limits.maxRecipients * 2) throw tooMany(given, limits.maxRecipients);
  const prepared =
    input.recipients instanceof RecipientPreparer ? input.recipients.result() : prepareRecipients(input.recipients, limits.region);
  const optedOut = await optedOutAmong(
    db,
    prepared.valid.map((r) => r.phone),
  );
  const valid = prepared.valid.filter((r) => !optedOut.has(r.phone));
  const invalid = prepared.invalid.slice(0, MAX_INVALID_REPORTED);

  if (valid.length > limits.maxRecipients) throw tooMany(valid.length, limits.maxRecipients);
  const outside = outsideCountryWarning(prepared.outsideCountry, limits.region);
  const summary = {
    invalid,
    duplicates: prepared.duplicates,
    opted_out: optedOut.size,
    total_recipients: valid.length,
    warnings: outside ? [outside] : [],
  };

  if (input.dryRun) {
    return {
      success: true,
      blast_id: null,
      ...summary,
      preview: valid.slice(0, 5).map((r) => ({ phone: r.phone, variables: r.vars })),
      recently_messaged: await recentlyMessaged(
        db,
        valid.map((r) => r.phone),
        input.message,
      ),
      ...(limits.variation && { variation: summariseVariation(input.message, valid, limits.variation) }),
    };
  }
  if (valid.length === 0) {
    throw new AppError('validation_failed', 'No valid recipients: every number was invalid, a duplicate or opted out', [
      { field: 'recipients', message: 'no valid phone numbers' },
    ]);
  }

  const blastId = await db.transaction(async (tx) => {
    const [blast] = await rows<{ id: number }>(
      tx,
      sql`INSERT INTO blasts (tag, message, follow_up_stage, device, state, scheduled_at, parent_blast_id, segment, total_recipients, pacing_preset)
          VALUES (${input.tag}, ${input.message}, ${input.followUpStage}, ${input.device}, 'draft',
                  ${input.scheduledAt?.toISOString() ?? null}, ${input.parentBlastId ?? null}, ${input.segment ?? null}, ${valid.length},
                  ${input.pacingPreset ?? null})
          RETURNING id`,
    );
    const pool = [...new Set([input.device, ...(input.devices ?? [])])];
    await tx.execute(
      sql`INSERT INTO blast_devices (blast_id, device, position)
          SELECT ${blast!.id}, d.device, d.position - 1 FROM json_array_elements_text(${JSON.stringify(pool)}::json) WITH ORDINALITY AS d(device, position)`,
    );
    // In slices: one JSON text of all 100,000 rows is 7 MB held at once (and again as the driver's
    // buffer) for nothing (bench rss_peak); 10,000 rows a statement cost no measurable time, and
    // the transaction still makes it all or nothing.
    for (let i = 0; i < valid.length; i += INSERT_SLICE) {
      const payload = JSON.stringify(valid.slice(i, i + INSERT_SLICE).map((r) => ({ p: r.phone, v: r.vars })));
      await tx.execute(
        sql`INSERT INTO blast_recipients (blast_id, phone_number, variables)
            SELECT ${blast!.id}, r.p, coalesce(r.v, '{}'::jsonb)
            FROM json_to_recordset(${payload}::json) AS r(p text, v jsonb)`,
      );
    }
    // Phones a pool device messaged before stay with it (sticky sender).
    await assignStickySenders(tx, blast!.id);
    return blast!.id;
  });
  return { success: true, blast_id: blastId, ...summary };
}

function tooMany(n: number, max: number): AppError {
  return new AppError(
    'too_many_recipients',
    `A blast takes at most ${max.toLocaleString('en')} recipients; this one has ${n.toLocaleString('en')}. Split it into several blasts.`,
    [{ field: 'recipients', message: `at most ${max} recipients` }],
  );
}
