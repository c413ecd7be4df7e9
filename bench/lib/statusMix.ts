/**
 * The status mix of a blast a day after sending, per mille: FAILED 15, UNCERTAIN 1, SKIPPED 4,
 * PENDING 60, DELIVERY_ACK 320, READ_ACK 450, REPLIED 120, CLOSED 30. The benchmarks that fill
 * blast_recipients in SQL (report_1m, report_aggregate, scale_10m) share it.
 */

/** The status, as `st`, of a row whose hash `h` is in 0–999. */
export const MIX_STATUS = `CASE
      WHEN h < 15 THEN 'FAILED' WHEN h < 16 THEN 'UNCERTAIN' WHEN h < 20 THEN 'SKIPPED'
      WHEN h < 80 THEN 'PENDING' WHEN h < 400 THEN 'DELIVERY_ACK' WHEN h < 850 THEN 'READ_ACK'
      WHEN h < 970 THEN 'REPLIED' ELSE 'CLOSED' END AS st`;

/** From a row's status `st`: `sent` (1 if it went out) and `stage` (1 received, 2 read, 3 replied, 4 closed, else 0). */
export const MIX_STAGE = `CASE WHEN st IN ('PENDING','DELIVERY_ACK','READ_ACK','REPLIED','CLOSED') THEN 1 ELSE 0 END AS sent,
    CASE st WHEN 'DELIVERY_ACK' THEN 1 WHEN 'READ_ACK' THEN 2 WHEN 'REPLIED' THEN 3 WHEN 'CLOSED' THEN 4 ELSE 0 END AS stage`;

/**
 * `WITH ... s AS (...)`: the recipients of blasts $1..$2, $3 each, in the mix, as rows (b, g, st, t,
 * sent, stage): blast b, its g-th recipient, sent at t — blast b starts `b` × 8 h after `start`
 * (a timestamptz literal), its recipients 1 s apart. The statement goes on with its own INSERT.
 */
export function blastsInMix(start: string): string {
  return `WITH g AS (
  SELECT b, g, ${MIX_STATUS},
    timestamptz '${start}' + b * interval '8 hours' + g * interval '1 second' AS t
  FROM generate_series($1::int, $2::int) AS b, generate_series(1, $3::int) AS g,
    LATERAL (SELECT ((b::bigint * 100003 + g) * 7919) % 1000 AS h) x
), s AS (
  SELECT b, g, st, t,
    ${MIX_STAGE}
  FROM g
)`;
}
