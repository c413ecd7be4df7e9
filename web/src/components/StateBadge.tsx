import type { BlastState } from '../lib/types.ts';

const LABELS: Record<BlastState, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export function StateBadge({ state }: { state: BlastState }) {
  return (
    <span className={`badge badge-${state}`} data-testid="blast-state">
      {LABELS[state] ?? state}
    </span>
  );
}
