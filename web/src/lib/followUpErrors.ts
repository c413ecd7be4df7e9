import { ApiError } from './apiError.ts';
import { errorText } from './errorText.ts';
import { fieldSentence } from './fieldSentence.ts';
import type { FieldErrors } from './useFieldErrors.ts';

/** The follow-up form's fields, and where its other errors go: the count, and under the buttons. */
export type FollowUpField = 'segment' | 'message' | 'blast_tag' | 'follow_up_stage' | 'count' | 'create';

/** An API error spread over the fields it names; anything else goes under the buttons. */
export function errorsFrom(err: unknown, segmentLabel: string): FieldErrors<FollowUpField> {
  if (!(err instanceof ApiError) || err.fields.length === 0) return { create: [errorText(err)] };
  const out: FieldErrors<FollowUpField> = {};
  const known = ['segment', 'message', 'blast_tag', 'follow_up_stage'] as const;
  for (const f of err.fields) {
    const key = known.find((k) => f.field === k) ?? 'create';
    // The server's one segment error is "empty segment": people moved on since the count.
    const sentence =
      key === 'segment' ? `Nobody is in “${segmentLabel}” any more. Pick another segment.` : fieldSentence(f.field, f.message);
    out[key] = [...(out[key] ?? []), sentence];
  }
  return out;
}
