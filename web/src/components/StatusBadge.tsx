const LABELS: Record<string, string> = {
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
};

export function statusLabel(status: string): string {
  return LABELS[status] ?? status;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status.toLowerCase()}`}>{statusLabel(status)}</span>;
}
