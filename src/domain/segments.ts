import type { Status } from './status.ts';

/**
 * The funnel segments a follow-up (or a sequence step) can target: where each recipient stopped.
 * One home for the server's query, the API's validation, the dashboard and the CLI.
 */
export const SEGMENT_STATUSES = {
  not_received: ['PENDING'],
  received_not_read: ['DELIVERY_ACK'],
  read_not_replied: ['READ_ACK'],
  replied_not_closed: ['REPLIED'],
  not_replied: ['PENDING', 'DELIVERY_ACK', 'READ_ACK'],
  failed: ['FAILED'],
} as const satisfies Record<string, readonly Status[]>;

export type Segment = keyof typeof SEGMENT_STATUSES;

/** In the order they are offered. */
export const SEGMENT_NAMES = Object.keys(SEGMENT_STATUSES) as [Segment, ...Segment[]];

/** How people read each segment. */
export const SEGMENT_LABELS: Readonly<Record<Segment, string>> = {
  not_received: 'Not received',
  received_not_read: 'Received, not read',
  read_not_replied: 'Read, not replied',
  replied_not_closed: 'Replied, not closed',
  not_replied: 'Not replied',
  failed: 'Failed',
};
