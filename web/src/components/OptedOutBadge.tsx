import { StatusBadge } from './StatusBadge.tsx';
import './inbox.css';

/** "Opted out": the number asked never to be messaged again. Shown wherever the number appears. */
export function OptedOutBadge({ title }: { title?: string | undefined }) {
  return (
    <span className="inbox-badge inbox-badge-optout" title={title} data-testid="opted-out">
      Opted out
    </span>
  );
}

/**
 * A recipient's status, honest about opt-outs: a STOP is a reply, but never shown as a green
 * "Replied" (a lead to chase) — the opt-out badge replaces it; any other status keeps its badge.
 */
export function RecipientStatus({ status, optedOut }: { status: string; optedOut: boolean | undefined }) {
  if (!optedOut) return <StatusBadge status={status} />;
  return (
    <>
      {status !== 'REPLIED' && <StatusBadge status={status} />} <OptedOutBadge />
    </>
  );
}
