import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import type { OptOutView } from '../api/contract.ts';
import type { OptOutSource } from '../domain/optOutSource.ts';
import { containsPattern, phoneDigitsPattern } from '../util/likePattern.ts';
import { isoTime } from '../util/pgTime.ts';

export type { OptOutView };

export interface OptOutFilter {
  /** Digits of the number, or text of the reason. */
  q?: string | undefined;
  source?: OptOutSource | undefined;
}

function optOutWhere(f: OptOutFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.source) parts.push(sql`source = ${f.source}`);
  const q = f.q?.trim();
  if (q) {
    const ors: SQL[] = [sql`reason ILIKE ${containsPattern(q)}`];
    const digits = phoneDigitsPattern(q);
    if (digits) ors.push(sql`phone_number LIKE ${digits}`);
    parts.push(sql`(${sql.join(ors, sql` OR `)})`);
  }
  return sql.join(parts, sql` AND `);
}

/** The Opt-outs page: newest first, a page at a time (opt_outs_created_idx), with the total for paging. */
export async function listOptOuts(
  db: Db,
  f: OptOutFilter,
  page: { limit: number; offset: number },
): Promise<{ opt_outs: OptOutView[]; total: number; limit: number; offset: number }> {
  const where = optOutWhere(f);
  const found = await rows<OptOutView>(
    db,
    sql`SELECT phone_number, reason, source, created_at FROM opt_outs WHERE ${where}
        ORDER BY created_at DESC, phone_number LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const [count] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM opt_outs WHERE ${where}`);
  return { opt_outs: found.map((o) => ({ ...o, created_at: isoTime(o.created_at)! })), total: count!.n, ...page };
}

/**
 * Opts one E.164 number out. The first opt-out of a number is kept as it was (its source and
 * time say how it started); returns false when the number was already opted out.
 */
export async function addOptOut(db: Db, phone: string, reason: string | null, source: OptOutSource): Promise<boolean> {
  const added = await rows<{ phone_number: string }>(
    db,
    sql`INSERT INTO opt_outs (phone_number, reason, source) VALUES (${phone}, ${reason}, ${source})
        ON CONFLICT (phone_number) DO NOTHING RETURNING phone_number`,
  );
  return added.length > 0;
}

/**
 * Opts many E.164 numbers out in one statement (a CSV import): one JSON parameter rather than a
 * statement per number. Returns how many were new.
 */
export async function addOptOuts(db: Db, phones: readonly string[], reason: string | null, source: OptOutSource): Promise<number> {
  if (phones.length === 0) return 0;
  const added = await rows<{ phone_number: string }>(
    db,
    sql`INSERT INTO opt_outs (phone_number, reason, source)
        SELECT DISTINCT p.phone, ${reason}, ${source} FROM json_array_elements_text(${JSON.stringify(phones)}::json) AS p(phone)
        ON CONFLICT (phone_number) DO NOTHING RETURNING phone_number`,
  );
  return added.length;
}

/** Lets a number be messaged again; false when it was not opted out. */
export async function removeOptOut(db: Db, phone: string): Promise<boolean> {
  const gone = await rows<{ phone_number: string }>(db, sql`DELETE FROM opt_outs WHERE phone_number = ${phone} RETURNING phone_number`);
  return gone.length > 0;
}

/** Which of these E.164 numbers are opted out: a new blast leaves them out. */
export async function optedOutAmong(db: Db, phones: readonly string[]): Promise<Set<string>> {
  if (phones.length === 0) return new Set();
  const found = await rows<{ phone_number: string }>(
    db,
    sql`SELECT o.phone_number FROM opt_outs o
        JOIN json_array_elements_text(${JSON.stringify(phones)}::json) AS p(phone) ON p.phone = o.phone_number`,
  );
  return new Set(found.map((r) => r.phone_number));
}

/** One number's opt-out, for its contact page. */
export async function findOptOut(db: Db, phone: string): Promise<Omit<OptOutView, 'phone_number'> | null> {
  const [found] = await rows<Omit<OptOutView, 'phone_number'>>(
    db,
    sql`SELECT reason, source, created_at FROM opt_outs WHERE phone_number = ${phone}`,
  );
  return found ? { ...found, created_at: isoTime(found.created_at)! } : null;
}
