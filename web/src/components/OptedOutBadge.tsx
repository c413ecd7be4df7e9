import type { ReactNode } from 'react';
import type { CloseOutcome } from '../lib/types.ts';
import { cx } from '../lib/cx.ts';
import { StatusBadge } from './StatusBadge.tsx';
import css from './OptedOutBadge.module.css';

/** "Opted out": the number asked never to be messaged again. Shown wherever the number appears. */
export function OptedOutBadge({ title, children = 'Opted out' }: { title?: string | undefined; children?: ReactNode }) {
  return (
    <span className={cx(css.badge, css.optout)} title={title} data-testid="opted-out">
      {children}
    </span>
  );
}

/** How a closed lead ended: won or lost. */
export function OutcomeBadge({ outcome }: { outcome: CloseOutcome }) {
  return <span className={cx(css.badge, outcome === 'won' ? css.won : css.lost)}>{outcome === 'won' ? 'Won' : 'Lost'}</span>;
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
