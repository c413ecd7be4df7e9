import { type SQL, sql } from 'drizzle-orm';
import { PROGRESS, RANK, STATUSES, type Status } from '../domain/status.ts';

/**
 * The status rules of src/domain/status.ts as SQL fragments, so the queries that must encode them
 * (the monotonic update, failing, replies, closing) are generated from the one definition rather
 * than written out again. Only the lattice's own constants are spliced in (checked here), never input.
 */
export function statusIn(set: readonly Status[], column = 'status'): SQL {
  for (const s of set) if (!(STATUSES as readonly string[]).includes(s)) throw new Error(`not a status: ${s}`);
  return sql.raw(`${column} IN (${set.map((s) => `'${s}'`).join(', ')})`);
}

/** `canAdvance` in SQL: the row's rank is below `rank` (an SQL expression) and it was not skipped. */
export function advancesTo(rank: SQL | number, alias = ''): SQL {
  return sql`${sql.raw(`${alias}status_rank`)} < ${rank} AND ${sql.raw(`${alias}status`)} <> 'SKIPPED'`;
}

/** The progress status of a rank: `CASE <rank> WHEN 2 THEN 'PENDING' ... END`. */
export function statusOfRank(rank: string): SQL {
  return sql.raw(`CASE ${rank} ${PROGRESS.map((s) => `WHEN ${RANK[s]} THEN '${s}'`).join(' ')} END`);
}

/**
 * A PostgreSQL array literal bound as ONE parameter (`= ANY(...)`): drizzle would spread a JS array
 * into a parameter list, which ANY() cannot take. Elements are quoted, so commas or braces stay data.
 */
export function textArray(values: readonly string[]): SQL {
  return sql`${`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;
}

export function bigintArray(values: readonly number[]): SQL {
  for (const v of values) if (!Number.isSafeInteger(v)) throw new Error(`not an integer id: ${v}`);
  return sql`${`{${values.join(',')}}`}::bigint[]`;
}
