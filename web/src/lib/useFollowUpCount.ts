import { type Dispatch, type SetStateAction, useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.ts';
import { errorText } from './errorText.ts';
import type { FollowUpField } from './followUpErrors.ts';
import type { CreateBlastResult, Segment } from './types.ts';
import type { FieldErrors } from './useFieldErrors.ts';

interface Options {
  blastId: number;
  /** Counting runs only while the follow-up form is open. */
  open: boolean;
  segment: Segment;
  /** The segment's size in the funnel now: when it moves, the count is run again. */
  size: number;
  setErrors: Dispatch<SetStateAction<FieldErrors<FollowUpField>>>;
}

/**
 * How many people a follow-up to `segment` would reach: a dry run of the follow-up (so opt-outs
 * since are left out), run on opening and at once on a new segment; while the funnel moves, again
 * at most every 3 s. `count` is the answer for `segment` (null until there is one); a recount
 * while the funnel moves keeps the last one. A failure is the form's `count` error.
 */
export function useFollowUpCount({ blastId, open, segment, size, setErrors }: Options) {
  const [count, setCount] = useState<{ segment: Segment; result: CreateBlastResult } | null>(null);
  const [counting, setCounting] = useState(false);
  const countSeq = useRef(0);

  // The count is a dry run of the follow-up; it needs a message, but does not depend on it.
  const runCount = useCallback(
    async (seg: Segment) => {
      const seq = ++countSeq.current;
      setCounting(true);
      setErrors((e) => ({ ...e, count: undefined, segment: undefined }));
      try {
        const result = await api.followUp(blastId, { segment: seg, message: '(count)', dry_run: true });
        if (seq === countSeq.current) setCount({ segment: seg, result });
      } catch (err) {
        if (seq === countSeq.current) setErrors((e) => ({ ...e, count: [errorText(err)] }));
      } finally {
        if (seq === countSeq.current) setCounting(false);
      }
    },
    [blastId, setErrors],
  );

  // Count on opening and on a new segment at once; while the funnel moves, again at most every 3 s.
  const lastCount = useRef<{ segment: Segment; at: number } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies(size): the segment's size in the funnel is what says to count again
  useEffect(() => {
    if (!open) return;
    const last = lastCount.current;
    const wait = last && last.segment === segment ? Math.max(0, last.at + 3000 - Date.now()) : 0;
    const t = window.setTimeout(() => {
      lastCount.current = { segment, at: Date.now() };
      void runCount(segment);
    }, wait);
    return () => window.clearTimeout(t);
  }, [open, segment, size, runCount]);

  return { count: count !== null && count.segment === segment ? count.result : null, counting };
}
