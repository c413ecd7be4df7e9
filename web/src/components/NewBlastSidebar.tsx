import type { ReactNode } from 'react';
import { formatDateTime } from '../lib/format.ts';
import type { NewBlastForm } from '../lib/useNewBlastForm.ts';
import { CreatePanel } from './CreatePanel.tsx';
import { VariationSummary } from './VariationSummary.tsx';
import css from './NewBlastSidebar.module.css';

interface Props {
  form: NewBlastForm;
  /** The message's preview, on top (on a wide screen; on a phone it sits under the message). */
  preview: ReactNode;
}

/** Beside the new-blast form: the preview, how many distinct texts the message makes, and the create buttons, then the review. */
export function NewBlastSidebar({ form, preview }: Props) {
  const { check, checkIsCurrent, message, busy, scheduleAt, preparing } = form;
  return (
    <aside>
      <div className={`card ${css.sticky}`}>
        {preview}
        {check?.result.variation && check.message !== '(check)' ? (
          <VariationSummary
            variation={check.result.variation}
            recipients={check.result.total_recipients}
            stale={!checkIsCurrent || check.message !== message}
          />
        ) : (
          checkIsCurrent &&
          message.trim() !== '' &&
          !form.messageProblem && (
            <p className="hint" data-testid="variation-pending">
              Check again to count how many distinct texts this message makes.
            </p>
          )
        )}
        <CreatePanel flow={form.flow} scheduledFor={form.scheduledFor} error={form.fieldErrors.errors.create}>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || !checkIsCurrent}>
            {preparing(false) ? 'Preparing the review…' : 'Create & send now'}
          </button>
          <button
            type="button"
            className="btn btn-block"
            disabled={busy || !checkIsCurrent || !scheduleAt}
            onClick={() => void form.startReview('schedule')}
          >
            {preparing(true) ? 'Preparing the review…' : 'Create & schedule'}
          </button>
          <p className="hint" aria-live="polite">
            {!checkIsCurrent
              ? 'Check the numbers first.'
              : scheduleAt
                ? `Scheduling sends it on ${formatDateTime(scheduleAt)}.`
                : 'To schedule, pick a later date and time.'}
          </p>
        </CreatePanel>
      </div>
    </aside>
  );
}
