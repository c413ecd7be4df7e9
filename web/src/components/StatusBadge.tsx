import { cx } from '../lib/cx.ts';
import { STATUS_LABELS } from '@domain/statusLabel.ts';
import css from './StatusBadge.module.css';

/** What people call a status: the one table in src/domain/statusLabel.ts, shared with the export and the CLI. */
export function statusLabel(status: string): string {
  return (STATUS_LABELS as Readonly<Record<string, string>>)[status] ?? status;
}

const COLOUR: Readonly<Record<string, string | undefined>> = {
  PENDING: css.pending,
  DELIVERY_ACK: css.delivered,
  READ_ACK: css.read,
  REPLIED: css.replied,
  CLOSED: css.closed,
  FAILED: css.failed,
  UNCERTAIN: css.uncertain,
  SENDING: css.sending,
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={cx('badge', css.status, COLOUR[status])} data-testid="status">
      {statusLabel(status)}
    </span>
  );
}
