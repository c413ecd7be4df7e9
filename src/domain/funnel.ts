import { RANK, type Status } from './status.ts';

/** Per-status counts of one blast, as the report query returns them. */
export type StatusCounts = Partial<Record<Status, number>>;

export interface Funnel {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  received: number;
  read: number;
  replied: number;
  closed: number;
  failed: number;
  uncertain: number;
  skipped: number;
  rates: { received: number; read: number; replied: number; closed: number };
}

/**
 * The cumulative funnel (DESIGN §3): a recipient counts in every stage at or below its rank, so
 * sent ≥ received ≥ read ≥ replied ≥ closed always holds, and a reply without READ_ACK counts as read.
 * Rates are fractions of sent (0 when nothing was sent), rounded to 4 places.
 */
export function funnelFromCounts(counts: StatusCounts): Funnel {
  const n = (s: Status) => counts[s] ?? 0;
  const atLeast = (rank: number) =>
    (Object.keys(counts) as Status[]).reduce((sum, s) => (RANK[s] >= rank && isProgress(s) ? sum + n(s) : sum), 0);
  const sent = atLeast(RANK.PENDING);
  const received = atLeast(RANK.DELIVERY_ACK);
  const read = atLeast(RANK.READ_ACK);
  const replied = atLeast(RANK.REPLIED);
  const closed = n('CLOSED');
  const rate = (x: number) => (sent === 0 ? 0 : Math.round((x / sent) * 10_000) / 10_000);
  return {
    total: Object.values(counts).reduce((a, b) => a + (b ?? 0), 0),
    queued: n('QUEUED'),
    sending: n('SENDING'),
    sent,
    received,
    read,
    replied,
    closed,
    failed: n('FAILED'),
    uncertain: n('UNCERTAIN'),
    skipped: n('SKIPPED'),
    rates: { received: rate(received), read: rate(read), replied: rate(replied), closed: rate(closed) },
  };
}

const isProgress = (s: Status) => s !== 'FAILED' && s !== 'UNCERTAIN' && s !== 'SKIPPED';
