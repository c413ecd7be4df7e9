import { focusOnMount } from '../lib/focusOnMount.ts';
import { formatClock, formatDuration, formatNumber } from '../lib/format.ts';
import type { CreateBlastResult } from '../lib/types.ts';
import css from './ReviewStep.module.css';

interface Props {
  result: CreateBlastResult;
  /** The time it was scheduled for, when it does not go now. */
  scheduledFor?: string | null;
  busy: boolean;
  onConfirm: () => void;
  onBack: () => void;
}

const people = (n: number) => `${formatNumber(n)} ${n === 1 ? 'person' : 'people'}`;

/**
 * The check before sending: how many receive it, how many of them were messaged in the last 24
 * hours (and with this same text), the pacing plan and when it should finish. A warning, never a
 * wall: the person confirms or goes back.
 */
export function ReviewStep({ result, scheduledFor, busy, onConfirm, onBack }: Props) {
  const n = result.total_recipients;
  const recent = result.recently_messaged;
  const plan = result.plan;
  const eta = plan?.eta_seconds ?? null;
  const verb = scheduledFor ? 'Schedule' : 'Send';

  return (
    <section className={css.review} role="alertdialog" aria-labelledby="review-title" aria-describedby="review-facts" data-testid="review">
      <h3 id="review-title" className={css.title}>
        Review before sending
      </h3>
      <p>
        <span className={css.count} data-testid="review-count">
          {formatNumber(n)}
        </span>{' '}
        {n === 1 ? 'person' : 'people'} will receive this message
        {scheduledFor ? `, starting ${formatClock(scheduledFor)}` : ''}.
      </p>
      {recent && recent.count > 0 && (
        <p className={css.warning} role="alert" data-testid="review-recent">
          {formatNumber(recent.count)} of them {recent.count === 1 ? 'was' : 'were'} messaged in the last 24 hours
          {recent.same_text > 0 ? ` (${formatNumber(recent.same_text)} with this same text)` : ''}. Messaging people again so soon may annoy
          them and get your number reported.
        </p>
      )}
      <ul id="review-facts" className={css.facts}>
        {(result.opted_out > 0 || result.duplicates > 0 || result.invalid.length > 0) && (
          <li>
            Left out:{' '}
            {[
              result.opted_out > 0 && `${formatNumber(result.opted_out)} opted out`,
              result.duplicates > 0 && `${formatNumber(result.duplicates)} duplicate${result.duplicates === 1 ? '' : 's'}`,
              result.invalid.length > 0 && `${formatNumber(result.invalid.length)} invalid`,
            ]
              .filter(Boolean)
              .join(', ')}
            .
          </li>
        )}
        {plan?.summary && (
          <li data-testid="review-plan">
            Pacing: {plan.preset ? `${plan.preset} — ` : ''}
            {plan.summary}
          </li>
        )}
        {plan?.waiting_for_window && plan.window_opens_at && (
          <li>Outside the sending window: it starts at {formatClock(plan.window_opens_at)}.</li>
        )}
        <li data-testid="review-eta">
          {eta !== null
            ? `Takes ${formatDuration(eta)}${plan?.finishes_at ? `, finishing around ${formatClock(plan.finishes_at)}` : ''}.`
            : 'It is sent at the device’s pace; the blast page shows the progress and the time left.'}
        </li>
      </ul>
      <div className={css.actions}>
        <button ref={focusOnMount} type="button" className="btn btn-primary btn-block" disabled={busy || n === 0} onClick={onConfirm}>
          {busy ? 'Starting…' : `${verb} to ${people(n)}`}
        </button>
        <button type="button" className="btn btn-block" disabled={busy} onClick={onBack}>
          Back to editing
        </button>
      </div>
    </section>
  );
}
