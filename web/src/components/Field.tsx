import type { ReactNode } from 'react';
import { ErrorText } from './ErrorText.tsx';

interface Props {
  /** The control's id: its label points at it, its hint is `${id}-hint`. */
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors: string[];
  errorId: string;
  /** The control itself, described by the hint and the error (useFieldErrors' `aria`). */
  children: ReactNode;
}

/** A form field: its label, the control, a hint under it, and its error right there. */
export function Field({ id, label, hint, errors, errorId, children }: Props) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <ErrorText id={errorId} messages={errors} />
    </div>
  );
}

/** The label of a field that may be left empty. */
export function Optional({ children }: { children: ReactNode }) {
  return (
    <>
      {children} <span className="optional">optional</span>
    </>
  );
}
