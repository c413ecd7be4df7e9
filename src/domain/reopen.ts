import { STAGE_COLUMNS, statusRankSql } from './status.ts';

/** What a person may record when closing: the sale was won or lost (or nothing, with a note). */
export const CLOSE_OUTCOMES = ['won', 'lost'] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];

/**
 * The status a reopened recipient goes back to. Reopen is the one step DOWN the lattice, and only
 * a person asks for it: it undoes a close. The target is the higher of the status it was closed
 * from (`closed_from`) and the highest stage its times prove — a READ_ACK that arrived while it
 * was CLOSED could not move it then, but set read_at, and must not be lost by the undo. Rows closed
 * before `closed_from` existed go back to what their times prove.
 */
export function reopenStatusSql(): string {
  const proven = `CASE ${[...STAGE_COLUMNS]
    .filter(([status]) => status !== 'CLOSED')
    .reverse()
    .map(([status, column]) => `WHEN ${column} IS NOT NULL THEN '${status}'`)
    .join(' ')} ELSE 'PENDING' END`;
  return `CASE WHEN closed_from IS NOT NULL AND (${statusRankSql('closed_from')}) > (${statusRankSql(`(${proven})`)})
    THEN closed_from ELSE (${proven}) END`;
}
