import type { OutsideCountry } from '../domain/countryNote.ts';
import { normalisePhone } from '../domain/phone.ts';
import type { InvalidRecipient } from '../api/contract.ts';

export type { InvalidRecipient };

export interface RawRecipient {
  phone: string;
  vars: Record<string, string>;
}

export interface PreparedRecipient {
  phone: string;
  vars: Record<string, string>;
}

export interface Prepared {
  valid: PreparedRecipient[];
  invalid: InvalidRecipient[];
  duplicates: number;
  /** Valid numbers of another country than the default region (a note, not an error). */
  outsideCountry: OutsideCountry;
}

/** How many invalid entries an answer lists (their count is unbounded; the list is not). */
const MAX_INVALID_REPORTED = 1000;

/**
 * Normalises every number to E.164 and folds duplicates, however they were spelled
 * ("012-3456789" and "+60123456789" are one recipient; the first occurrence keeps its variables).
 * Pure: no I/O, so the dashboard's dry run and the real create agree exactly.
 */
export function prepareRecipients(raw: readonly RawRecipient[], region: string): Prepared {
  const preparer = new RecipientPreparer(region);
  const valid: PreparedRecipient[] = [];
  for (const r of raw) {
    const kept = preparer.add(r);
    if (kept) valid.push(kept);
  }
  return { valid, ...preparer.result() };
}

/**
 * prepareRecipients one row at a time, for rows that arrive as a stream (a CSV upload): it hands
 * back each new recipient and keeps only what folds duplicates (the numbers seen), so 100,000 rows
 * are never held at once (bench rss_peak).
 */
export class RecipientPreparer {
  private readonly seen = new Set<string>();
  private readonly invalid: InvalidRecipient[] = [];
  private duplicates = 0;
  private line = 0;
  private readonly outside: OutsideCountry = { count: 0, byCountry: {}, examples: [] };

  constructor(private readonly region: string) {}

  /** The row as a new recipient, or null when its number is invalid or was seen before. */
  add(r: RawRecipient): PreparedRecipient | null {
    this.line++;
    const parsed = normalisePhone(r.phone, this.region);
    if (!parsed.ok) {
      if (this.invalid.length < MAX_INVALID_REPORTED)
        this.invalid.push({ input: r.phone.slice(0, 64), line: this.line, reason: parsed.reason });
      return null;
    }
    if (this.seen.has(parsed.e164)) {
      this.duplicates++;
      return null;
    }
    this.seen.add(parsed.e164);
    if (parsed.country !== this.region) {
      this.outside.count++;
      this.outside.byCountry[parsed.country] = (this.outside.byCountry[parsed.country] ?? 0) + 1;
      if (this.outside.examples.length < 5) this.outside.examples.push({ line: this.line, phone: parsed.e164 });
    }
    return { phone: parsed.e164, vars: r.vars };
  }

  /** Everything but the recipients themselves (those went out one by one from add). */
  result(): Omit<Prepared, 'valid'> {
    return { invalid: this.invalid, duplicates: this.duplicates, outsideCountry: this.outside };
  }
}
