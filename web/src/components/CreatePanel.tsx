import { formatDateTime } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import type { Review, useCreateFlow } from '../lib/useCreateFlow.ts';
import { ErrorText } from './ErrorText.tsx';
import { ReviewStep } from './ReviewStep.tsx';

interface Props {
  flow: ReturnType<typeof useCreateFlow>;
  /** The review of the form as it is now, or null (none yet, or the form changed since). */
  review: Review | null;
  scheduledFor: string | null;
  checkIsCurrent: boolean;
  /** The chosen date and time when it is far enough ahead to schedule. */
  whenIso: string | null;
  disabled: boolean;
  onSchedule: () => void;
  error: string[] | undefined;
}

/** The new-blast page's buttons ("Create & send now" submits the form), replaced by the review once asked. */
export function CreatePanel({ flow, review, scheduledFor, checkIsCurrent, whenIso, disabled, onSchedule, error }: Props) {
  const preparing = (scheduled: boolean) => flow.busy === 'review' && Boolean(scheduledFor) === scheduled;
  return (
    <>
      {review ? (
        <ReviewStep
          result={review.result}
          scheduledFor={review.scheduled ? scheduledFor : null}
          busy={flow.busy === 'send'}
          onConfirm={() => void flow.confirm()}
          onBack={flow.closeReview}
        />
      ) : (
        <div className="create-actions">
          <button type="submit" className="btn btn-primary btn-block" disabled={disabled || !checkIsCurrent}>
            {preparing(false) ? 'Preparing the review…' : 'Create & send now'}
          </button>
          <button type="button" className="btn btn-block" disabled={disabled || !checkIsCurrent || !whenIso} onClick={onSchedule}>
            {preparing(true) ? 'Preparing the review…' : 'Create & schedule'}
          </button>
          <p className="hint" aria-live="polite">
            {!checkIsCurrent
              ? 'Check the numbers first.'
              : whenIso
                ? `Scheduling sends it on ${formatDateTime(whenIso)}.`
                : 'To schedule, pick a later date and time.'}
          </p>
        </div>
      )}
      <ErrorText id="create-error" messages={error} />
      {flow.created !== null && error && (
        <p>
          <a href={href.blast(flow.created)}>Open blast #{flow.created}</a>
        </p>
      )}
    </>
  );
}
