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
