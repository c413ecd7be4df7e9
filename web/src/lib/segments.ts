import { SEGMENT_LABELS } from '@domain/segments.ts';
import type { Report, Segment } from './types.ts';

export { SEGMENT_LABELS };

export function segmentLabel(segment: string | null | undefined): string {
  return segment && segment in SEGMENT_LABELS ? SEGMENT_LABELS[segment as Segment] : (segment ?? '');
}

/**
 * The size of each segment as the funnel shows it now. The funnel is cumulative (sent ≥ received ≥
 * read ≥ replied ≥ closed), so where people stopped is a difference of two stages. Opt-outs since
 * the blast are only known to the server: its dry run gives the exact number.
 */
export function segmentSizes(r: Report): Record<Segment, number> {
  return {
    not_received: r.sent - r.received,
    received_not_read: r.received - r.read,
    read_not_replied: r.read - r.replied,
    replied_not_closed: r.replied - r.closed,
    not_replied: r.sent - r.replied,
    failed: r.failed,
  };
}
