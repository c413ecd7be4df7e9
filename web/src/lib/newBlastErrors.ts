import { ApiError } from './apiError.ts';
import { fieldSentence } from './fieldSentence.ts';
import { errorText } from './errorText.ts';

/** The new-blast form's fields, and how an API error is spread over them. */
export type FieldKey = 'blast_tag' | 'message' | 'recipients' | 'follow_up_stage' | 'scheduled_at' | 'device';
const FIELDS: FieldKey[] = ['blast_tag', 'message', 'recipients', 'follow_up_stage', 'scheduled_at', 'device'];
export type Errors = Partial<Record<FieldKey | 'check' | 'create', string[]>>;

/** Spreads an API error over the fields it names; what names no field goes to `fallback`. */
export function errorsFrom(err: unknown, fallback: 'check' | 'create'): Errors {
  const out: Errors = {};
  if (err instanceof ApiError && err.fields.length > 0) {
    const unplaced: string[] = [];
    // A lone issue whose top-level message is its own sentence (not "field: issue") reads best as is.
    const only = err.fields.length === 1 ? err.fields[0] : undefined;
    const useTop = only !== undefined && !err.message.startsWith(`${only.field}:`) && /^[A-Z]/.test(err.message);
    const sentence = (f: { field: string; message: string }) => (useTop ? err.message : fieldSentence(f.field, f.message));
    for (const f of err.fields) {
      const key =
        FIELDS.find((k) => f.field === k || f.field.startsWith(`${k}.`) || f.field.startsWith(`${k}[`)) ??
        (f.field === 'file' || f.field === 'phone' ? 'recipients' : f.field === 'tag' ? 'blast_tag' : undefined);
      if (key) out[key] = [...(out[key] ?? []), sentence(f)];
      else unplaced.push(sentence(f));
    }
    if (unplaced.length > 0 || Object.keys(out).length === 0) out[fallback] = unplaced.length ? unplaced : [err.message];
    else out[fallback] = ['Please fix the highlighted fields.'];
    return out;
  }
  out[fallback] = [errorText(err)];
  return out;
}
