import type { ReactNode } from 'react';
import { href } from '../lib/router.ts';
import type { CreateFlow } from '../lib/useCreateFlow.ts';
import { ErrorText } from './ErrorText.tsx';
import { ReviewStep } from './ReviewStep.tsx';
import css from './CreatePanel.module.css';

interface Props {
  flow: CreateFlow;
  /** When a scheduled blast's review is open: the time it starts. */
  scheduledFor?: string | null;
  error: string[] | undefined;
  /** The form's create buttons, replaced by the review once it is asked for. */
  children: ReactNode;
}

/**
 * The end of a create form (new blast, follow-up): its buttons until the review is asked for, then
 * the review; a failure under them, with a link to the blast when it was created but not started.
 */
export function CreatePanel({ flow, scheduledFor = null, error, children }: Props) {
  const { review } = flow;
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
        <div className={css.actions}>{children}</div>
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
