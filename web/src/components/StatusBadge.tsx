import { STATUS_LABELS } from '@domain/statusLabel.ts';

/** What people call a status: the one table in src/domain/statusLabel.ts, shared with the export and the CLI. */
export function statusLabel(status: string): string {
  return (STATUS_LABELS as Readonly<Record<string, string>>)[status] ?? status;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status.toLowerCase()}`}>{statusLabel(status)}</span>;
}
