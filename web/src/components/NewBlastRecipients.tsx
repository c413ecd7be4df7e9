import type { NewBlastForm } from '../lib/useNewBlastForm.ts';
import { CheckResult } from './CheckResult.tsx';
import { ErrorText } from './ErrorText.tsx';
import { RecipientsField } from './RecipientsField.tsx';

/** The new blast's recipients card: pasted numbers or a CSV file, "Check numbers", and what the check found. */
export function NewBlastRecipients({ form }: { form: NewBlastForm }) {
  const { errors, of, change } = form.fieldErrors;
  const { input, check, checkIsCurrent } = form;
  const pastedNumbers = input.pastedList.recipients;
  return (
    <div className="card">
      <RecipientsField
        mode={input.mode}
        onMode={change('recipients', input.setMode)}
        pasted={input.pasted}
        onPasted={change('recipients', input.setPasted)}
        pastedCount={pastedNumbers.length}
        pastedNamed={pastedNumbers.filter((p) => p.vars.name).length}
        pastedIgnored={input.pastedList.ignoredCells}
        csv={input.csv}
        onCsv={change('recipients', input.setCsv)}
        errors={of('recipients')}
      />
      <div className="actions-row">
        <button
          type="button"
          className="btn"
          onClick={() => void form.runCheck()}
          disabled={form.busy}
          aria-describedby={errors.check ? 'check-error' : undefined}
        >
          {form.checking ? 'Checking…' : checkIsCurrent ? 'Check again' : 'Check numbers'}
        </button>
      </div>
      <ErrorText id="check-error" messages={errors.check} />
      {check && (
        <CheckResult
          result={check.result}
          sourceLine={input.sourceLine}
          sourceName={input.mode === 'paste' ? 'Line' : 'CSV line'}
          stale={!checkIsCurrent}
        />
      )}
    </div>
  );
}
