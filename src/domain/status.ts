/**
 * The status lattice (DESIGN §3). Progress statuses have a rank and only ever move up; the
 * side statuses (FAILED, UNCERTAIN, SKIPPED) say how a recipient left the progress chain.
 * Everything that compares statuses — SQL included, through statusRankSql — derives from RANK.
 */
export const STATUSES = [
  'QUEUED',
  'SENDING',
  'PENDING',
  'DELIVERY_ACK',
  'READ_ACK',
  'REPLIED',
  'CLOSED',
  'FAILED',
  'UNCERTAIN',
  'SKIPPED',
] as const;

export type Status = (typeof STATUSES)[number];

/**
 * FAILED and UNCERTAIN rank with SENDING: anything the gateway later proves (a DELIVERY_ACK for a
 * message we gave up on, a reply from an uncertain number) outranks them and wins.
 * SKIPPED ranks lowest and is terminal: it is never sent, so no evidence can move it.
 */
export const RANK: Readonly<Record<Status, number>> = Object.freeze({
  SKIPPED: 0,
  QUEUED: 0,
  SENDING: 1,
  FAILED: 1,
  UNCERTAIN: 1,
  PENDING: 2,
  DELIVERY_ACK: 3,
  READ_ACK: 4,
  REPLIED: 5,
  CLOSED: 6,
});

/** Statuses a gateway event can set (the progress chain above SENDING). */
export type ProgressStatus = 'PENDING' | 'DELIVERY_ACK' | 'READ_ACK' | 'REPLIED' | 'CLOSED';

export const isStatus = (s: unknown): s is Status => typeof s === 'string' && (STATUSES as readonly string[]).includes(s);

/** The progress chain above SENDING, in rank order. */
export const PROGRESS: readonly ProgressStatus[] = ['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED'];

/** True when evidence of `to` should replace `from`. Equal ranks never move: duplicates are no-ops. */
export function canAdvance(from: Status, to: ProgressStatus): boolean {
  if (from === 'SKIPPED') return false;
  return RANK[to] > RANK[from];
}

/** An ERROR from WhatsApp fails a message only while nothing better is known about it. */
export const FAILABLE: readonly Status[] = ['SENDING', 'PENDING', 'UNCERTAIN'];
export const canFail = (from: Status): boolean => FAILABLE.includes(from);

/** Statuses of a message that certainly went out (PENDING or beyond): only these can be closed. */
export const SENT: readonly Status[] = STATUSES.filter((s) => s !== 'SKIPPED' && RANK[s] >= RANK.PENDING);

/** A reply answers the latest message to that number that went out, may have (UNCERTAIN) or is going out. */
export const REPLY_TARGETS: readonly Status[] = [...SENT, 'UNCERTAIN', 'SENDING'];

/** Settled reply targets a reply moves to REPLIED (a SENDING one waits for its send to be stored). */
export const REPLY_MOVES: readonly Status[] = REPLY_TARGETS.filter((s) => s !== 'SENDING' && canAdvance(s, 'REPLIED'));

/** Sent but not yet delivered or read: what a status lookup can still move (read is as far as it sees). */
export const POLLABLE: readonly Status[] = ['PENDING', 'DELIVERY_ACK'];

/**
 * What an accepted send settles as sent: a row in flight, or one the recovery sweep already called
 * UNCERTAIN because our lease lapsed while the answer was on its way (the answer proves it went).
 */
export const AWAITING_ANSWER: readonly Status[] = ['SENDING', 'UNCERTAIN'];

/** A blast is finished when none of its recipients is in one of these. */
export const UNFINISHED: readonly Status[] = ['QUEUED', 'SENDING'];

/** The stage timestamps that must be set once a recipient reaches `status` (a reply implies read). */
export const STAGE_COLUMNS = [
  ['PENDING', 'sent_at'],
  ['DELIVERY_ACK', 'delivered_at'],
  ['READ_ACK', 'read_at'],
  ['REPLIED', 'replied_at'],
  ['CLOSED', 'closed_at'],
] as const satisfies ReadonlyArray<readonly [ProgressStatus, string]>;

/** `CASE status WHEN ... END` for the generated status_rank column, built from RANK. */
export function statusRankSql(column = 'status'): string {
  const whens = STATUSES.map((s) => `WHEN '${s}' THEN ${RANK[s]}`).join(' ');
  return `CASE ${column} ${whens} ELSE 0 END`;
}
