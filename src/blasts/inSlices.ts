import type { PreparedRecipient, RawRecipient, RecipientPreparer } from './prepareRecipients.ts';

/** Recipients per statement: 5,000 rows are ≈ 350 KB of JSON, and a statement costs no measurable time. */
export const SLICE = 5_000;

/**
 * Prepares the recipients as they are read and hands the new ones to `take` a slice at a time.
 * The next slice is read while `take` works on the last (parsing a CSV overlaps the database's
 * insert), but `take` never runs twice at once: a transaction runs one statement at a time.
 */
export async function inSlices(
  source: Iterable<RawRecipient> | AsyncIterable<RawRecipient>,
  preparer: RecipientPreparer,
  take: (slice: PreparedRecipient[]) => Promise<void>,
): Promise<void> {
  let inFlight: Promise<void> = Promise.resolve();
  let slice: PreparedRecipient[] = [];
  const hand = async () => {
    const full = slice;
    slice = [];
    await inFlight;
    inFlight = take(full);
    // Awaited at the next hand-over or at the end; until then a failure must not count as unhandled.
    inFlight.catch(() => undefined);
  };
  try {
    for await (const raw of source) {
      const r = preparer.add(raw);
      if (!r) continue;
      slice.push(r);
      if (slice.length === SLICE) await hand();
    }
    if (slice.length) await hand();
  } catch (err) {
    // Reading failed (a broken CSV): the statement in flight finishes before the caller rolls back.
    await inFlight.catch(() => undefined);
    throw err;
  }
  await inFlight;
}
