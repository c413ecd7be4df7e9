import type { ChangeEvent, RefObject } from 'react';
import { formatNumber } from '../lib/format.ts';
import { SEGMENT_LABELS } from '../lib/segments.ts';
import { SEGMENTS, type CreateBlastResult, type Segment } from '../lib/types.ts';
import type { FieldAria } from '../lib/useFieldErrors.ts';
import { ErrorText } from './ErrorText.tsx';

interface Props {
  selectRef: RefObject<HTMLSelectElement | null>;
  segment: Segment;
  /** Each segment's size in the funnel now, shown beside its name. */
  sizes: Record<Segment, number>;
  onChange: (e: ChangeEvent<HTMLSelectElement>) => void;
  /** The select's aria (useFieldErrors' `aria`, described by the count). */
  aria: FieldAria;
  /** The dry run's answer for this segment, or null while there is none. */
  count: CreateBlastResult | null;
  counting: boolean;
  /** The segment's errors, then the count's: useFieldErrors' `field`. */
  segmentErrors: { errors: string[]; errorId: string };
  countErrors: { errors: string[]; errorId: string };
}

/** The follow-up's segment: the funnel's segments with their sizes, and how many the follow-up would reach. */
export function FollowUpSegmentField({ selectRef, segment, sizes, onChange, aria, count, counting, segmentErrors, countErrors }: Props) {
  const total = count ? count.total_recipients : null;
  return (
    <div className="field">
      <label htmlFor="follow-up-segment">Segment</label>
      <select id="follow-up-segment" ref={selectRef} value={segment} onChange={onChange} {...aria}>
        {SEGMENTS.map((s) => (
          <option key={s} value={s}>
            {SEGMENT_LABELS[s]} ({formatNumber(sizes[s])})
          </option>
        ))}
      </select>
      <p id="follow-up-count" className="hint" aria-live="polite">
        {!count ? (
          counting ? (
            'Counting…'
          ) : (
            ''
          )
        ) : total === 0 ? (
          'Nobody is in this segment.'
        ) : (
          <>
            <strong data-testid="follow-up-count">{formatNumber(total ?? 0)}</strong> {total === 1 ? 'person' : 'people'} will get this
            follow-up
            {count.opted_out > 0 && ` (${formatNumber(count.opted_out)} opted out since, left out)`}.
          </>
        )}
      </p>
      <ErrorText id={segmentErrors.errorId} messages={segmentErrors.errors} />
      <ErrorText id={countErrors.errorId} messages={countErrors.errors} />
    </div>
  );
}
