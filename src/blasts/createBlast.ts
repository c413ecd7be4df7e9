import type { CreateBlastResult } from '../api/contract.ts';
import type { Db } from '../db/client.ts';
import { type CreateWarning, outsideCountryWarning } from '../domain/countryNote.ts';
import type { PacingPreset } from '../domain/pacingRules.ts';
import { VariationTally } from '../domain/variation.ts';
import { AppError } from '../errors.ts';
import { optedOutAmong } from '../optOuts/optOutStore.ts';
import { assignStickySenders } from '../send/phoneSenders.ts';
import { insertBlastDevices, insertDraftBlast, insertRecipients, setTotalRecipients } from './createBlastQueries.ts';
import { type PreparedRecipient, type RawRecipient, RecipientPreparer } from './prepareRecipients.ts';
import { recentlyMessaged } from './recentlyMessaged.ts';
import { inSlices } from './inSlices.ts';

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
  /** The recipients as given (a JSON body) or as they are read (a CSV upload), each checked already. */
  recipients: Iterable<RawRecipient> | AsyncIterable<RawRecipient>;
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

/**
 * Creates a blast and all its recipients in one transaction, or nothing at all. The recipients are
 * prepared (normalised, de-duplicated) and stored a slice at a time while the next slice is read,
 * so a 100,000-row upload is never held whole in memory and its parsing overlaps the database's
 * work. A dry run reads the same way and writes nothing.
 */
export async function createBlast(db: Db, input: CreateBlastInput, limits: CreateLimits): Promise<CreateBlastResult> {
  if (Array.isArray(input.recipients) && input.recipients.length > limits.maxRecipients * 2)
    throw tooMany(input.recipients.length, limits.maxRecipients);
  const preparer = new RecipientPreparer(limits.region);
  if (input.dryRun) return dryRun(db, input, limits, preparer);

  return db.transaction(async (tx) => {
    const blastId = await insertDraftBlast(tx, {
      tag: input.tag,
      message: input.message,
      followUpStage: input.followUpStage,
      device: input.device,
      scheduledAt: input.scheduledAt,
      parentBlastId: input.parentBlastId ?? null,
      segment: input.segment ?? null,
      pacingPreset: input.pacingPreset ?? null,
    });
    await insertBlastDevices(tx, blastId, [...new Set([input.device, ...(input.devices ?? [])])]);
    let total = 0;
    let optedOut = 0;
    await inSlices(input.recipients, preparer, async (slice) => {
      // Past the maximum nothing more is stored, but the rest is still counted: the answer says
      // how many recipients the blast would have had.
      const stored = total <= limits.maxRecipients ? await insertRecipients(tx, blastId, slice) : (await notOptedOut(tx, slice)).length;
      total += stored;
      optedOut += slice.length - stored;
    });
    if (total > limits.maxRecipients) throw tooMany(total, limits.maxRecipients);
    if (total === 0) throw noneValid();
    await setTotalRecipients(tx, blastId, total);
    // Phones a pool device messaged before stay with it (sticky sender).
    await assignStickySenders(tx, blastId);
    return { success: true, blast_id: blastId, ...summary(preparer, limits.region, optedOut, total) };
  });
}

/** What the blast would be: the same reading and checks as a real create, and nothing written. */
async function dryRun(db: Db, input: CreateBlastInput, limits: CreateLimits, preparer: RecipientPreparer): Promise<CreateBlastResult> {
  let total = 0;
  let optedOut = 0;
  const preview: Array<{ phone: string; variables: Record<string, string> }> = [];
  const recently = { count: 0, same_text: 0 };
  const variation = limits.variation ? new VariationTally(input.message, limits.variation) : null;
  await inSlices(input.recipients, preparer, async (slice) => {
    const kept = await notOptedOut(db, slice);
    total += kept.length;
    optedOut += slice.length - kept.length;
    for (const r of kept) {
      if (preview.length < 5) preview.push({ phone: r.phone, variables: r.vars });
      variation?.add(r);
    }
    // Numbers are unique across slices (the preparer folds duplicates), so the counts add up.
    const seen = await recentlyMessaged(
      db,
      kept.map((r) => r.phone),
      input.message,
    );
    recently.count += seen.count;
    recently.same_text += seen.same_text;
  });
  if (total > limits.maxRecipients) throw tooMany(total, limits.maxRecipients);
  return {
    success: true,
    blast_id: null,
    ...summary(preparer, limits.region, optedOut, total),
    preview,
    recently_messaged: recently,
    ...(variation && { variation: variation.result() }),
  };
}

/** The slice without the numbers that opted out. */
async function notOptedOut(db: Db, slice: PreparedRecipient[]): Promise<PreparedRecipient[]> {
  const out = await optedOutAmong(
    db,
    slice.map((r) => r.phone),
  );
  return out.size ? slice.filter((r) => !out.has(r.phone)) : slice;
}

function summary(preparer: RecipientPreparer, region: string, optedOut: number, total: number) {
  const { invalid, duplicates, outsideCountry } = preparer.result();
  const outside: CreateWarning | null = outsideCountryWarning(outsideCountry, region);
  return { invalid, duplicates, opted_out: optedOut, total_recipients: total, warnings: outside ? [outside] : [] };
}

function noneValid(): AppError {
  return new AppError('validation_failed', 'No valid recipients: every number was invalid, a duplicate or opted out', [
    { field: 'recipients', message: 'no valid phone numbers' },
  ]);
}

function tooMany(n: number, max: number): AppError {
  return new AppError(
    'too_many_recipients',
    `A blast takes at most ${max.toLocaleString('en')} recipients; this one has ${n.toLocaleString('en')}. Split it into several blasts.`,
    [{ field: 'recipients', message: `at most ${max} recipients` }],
  );
}
