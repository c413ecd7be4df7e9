import type { Readable } from 'node:stream';
import { readRecipientsCsv } from '../blasts/parseCsv.ts';
import type { OptOutImport } from '../api/contract.ts';
import { RecipientPreparer } from '../blasts/prepareRecipients.ts';
import type { Db } from '../db/client.ts';
import { addOptOuts } from './optOutStore.ts';

export type ImportResult = OptOutImport;

/**
 * Opts out every number of a CSV (a "phone" column, as for a blast; other columns are ignored):
 * numbers spelled as for a blast are normalised the same way, duplicates folded, invalid ones
 * reported with their line and never stored.
 */
export async function importOptOuts(
  db: Db,
  file: Readable | string,
  opts: { region: string; maxRows: number; reason: string },
): Promise<ImportResult> {
  const preparer = new RecipientPreparer(opts.region);
  const phones: string[] = [];
  for await (const row of readRecipientsCsv(file, opts.maxRows)) {
    const kept = preparer.add({ phone: row.phone, vars: {} });
    if (kept) phones.push(kept.phone);
  }
  const { invalid, duplicates } = preparer.result();
  const added = await addOptOuts(db, phones, opts.reason, 'import');
  return { success: true, added, already: phones.length - added, duplicates, invalid };
}
