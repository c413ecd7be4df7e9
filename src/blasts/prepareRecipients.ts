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

/**
 * Normalises every number to E.164 and folds duplicates, however they were spelled
 * ("012-3456789" and "+60123456789" are one recipient; the first occurrence keeps its variables).
 * Pure: no I/O, so the dashboard's dry run and the real create agree exactly.
 */
export function prepareRecipients(raw: readonly RawRecipient[], region: string): Prepared {
  const preparer = new RecipientPreparer(region);
  for (const r of raw) preparer.add(r);
  return preparer.result();
}

/**
 * prepareRecipients one row at a time, for rows that arrive as a stream (a CSV upload): only the
 * prepared recipients are kept, never the whole raw list (bench rss_peak).
 */
export class RecipientPreparer {
  private readonly seen = new Set<string>();
  private readonly valid: PreparedRecipient[] = [];
  private readonly invalid: InvalidRecipient[] = [];
  private duplicates = 0;
  private line = 0;
  private readonly outside: OutsideCountry = { count: 0, byCountry: {}, examples: [] };

  constructor(private readonly region: string) {}

  /** Rows added so far, valid or not. */
  get count(): number {
    return this.line;
  }

  add(r: RawRecipient): void {
    this.line++;
    const parsed = normalisePhone(r.phone, this.region);
    if (!parsed.ok) {
      this.invalid.push({ input: r.phone.slice(0, 64), line: this.line, reason: parsed.reason });
      return;
    }
    if (this.seen.has(parsed.e164)) {
      this.duplicates++;
      return;
    }
    this.seen.add(parsed.e164);
    this.valid.push({ phone: parsed.e164, vars: r.vars });
    if (parsed.country !== this.region) {
      this.outside.count++;
      this.outside.byCountry[parsed.country] = (this.outside.byCountry[parsed.country] ?? 0) + 1;
      if (this.outside.examples.length < 5) this.outside.examples.push({ line: this.line, phone: parsed.e164 });
    }
  }

  result(): Prepared {
    return { valid: this.valid, invalid: this.invalid, duplicates: this.duplicates, outsideCountry: this.outside };
  }
}
