import { normalisePhone } from '../domain/phone.ts';

export interface RawRecipient {
  phone: string;
  vars: Record<string, string>;
}

export interface PreparedRecipient {
  phone: string;
  vars: Record<string, string>;
}

export interface InvalidRecipient {
  input: string;
  /** 1-based position in the submitted list (for a CSV: the data row, header not counted). */
  line: number;
  reason: string;
}

export interface Prepared {
  valid: PreparedRecipient[];
  invalid: InvalidRecipient[];
  duplicates: number;
}

/**
 * Normalises every number to E.164 and folds duplicates, however they were spelled
 * ("012-3456789" and "+60123456789" are one recipient; the first occurrence keeps its variables).
 * Pure: no I/O, so the dashboard's dry run and the real create agree exactly.
 */
export function prepareRecipients(raw: readonly RawRecipient[], region: string): Prepared {
  const seen = new Set<string>();
  const valid: PreparedRecipient[] = [];
  const invalid: InvalidRecipient[] = [];
  let duplicates = 0;
  raw.forEach((r, i) => {
    const parsed = normalisePhone(r.phone, region);
    if (!parsed.ok) {
      invalid.push({ input: r.phone.slice(0, 64), line: i + 1, reason: parsed.reason });
      return;
    }
    if (seen.has(parsed.e164)) {
      duplicates++;
      return;
    }
    seen.add(parsed.e164);
    valid.push({ phone: parsed.e164, vars: r.vars });
  });
  return { valid, invalid, duplicates };
}
