import type { Status } from './status.ts';

/**
 * What people call each status (the dashboard's badges, the CSV export, the CLI): the lattice's
 * names are for machines. A number on the opt-out list reads "Opted out" whatever its status, so a
 * STOP is never mistaken for a lead to chase.
 */
export const STATUS_LABELS: Readonly<Record<Status, string>> = Object.freeze({
  QUEUED: 'Queued',
  SENDING: 'Sending',
  PENDING: 'Sent',
  DELIVERY_ACK: 'Received',
  READ_ACK: 'Read',
  REPLIED: 'Replied',
  CLOSED: 'Closed',
  FAILED: 'Failed',
  UNCERTAIN: 'Uncertain',
  SKIPPED: 'Skipped',
});

export function statusLabel(status: Status, optedOut = false): string {
  return optedOut ? 'Opted out' : (STATUS_LABELS[status] ?? status);
}
