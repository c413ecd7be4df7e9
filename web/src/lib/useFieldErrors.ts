import { type ChangeEvent, useState } from 'react';

export type FieldErrors<K extends string> = Partial<Record<K, string[]>>;

/** What a field's control says to assistive technology about its error. */
export interface FieldAria {
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/**
 * A form's errors by field, and what each field needs from them: `field` (its errors and their
 * element's id, for <Field>), `aria` (for its control: invalid while it has an error, described by
 * its hint and its error), and `change`/`edit` (set the value and clear the field's error as the
 * person edits it; `edit` is the control's onChange).
 */
export function useFieldErrors<K extends string>(errorId: (k: K) => string = (k) => `${k}-error`) {
  const [errors, setErrors] = useState<FieldErrors<K>>({});
  const of = (k: K): string[] => errors[k] ?? [];
  const clear = (k: K) => setErrors((e) => (e[k] ? { ...e, [k]: undefined } : e));
  const change =
    <V>(k: K, set: (value: V) => void) =>
    (value: V) => {
      set(value);
      clear(k);
    };
  return {
    errors,
    setErrors,
    of,
    clear,
    errorId,
    field: (k: K) => ({ errors: of(k), errorId: errorId(k) }),
    aria: (k: K, hint?: string): FieldAria => ({
      'aria-invalid': of(k).length > 0 ? true : undefined,
      'aria-describedby': [hint, of(k).length > 0 ? errorId(k) : undefined].filter(Boolean).join(' ') || undefined,
    }),
    change,
    edit: (k: K, set: (value: string) => void) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      change(k, set)(e.target.value),
  };
}
