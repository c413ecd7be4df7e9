import { useState } from 'react';
import { api } from './api.ts';
import { ApiError } from './apiError.ts';
import { href, navigate } from './router.ts';
import type { CreateBlastResult } from './types.ts';

export type CreateStage = 'review' | 'create' | 'send';

export interface CreateFlowOptions {
  /** The form as it is now (its fields that make the blast): a review made for another is stale. */
  key: string;
  /** A dry run of exactly what would be created: the review's numbers. */
  dryRun: () => Promise<CreateBlastResult>;
  create: () => Promise<CreateBlastResult>;
  /** Where the page shows a failure; `blastId` is set once the blast exists. */
  onError: (err: unknown, stage: CreateStage, blastId: number | null) => void;
}

export interface Review {
  result: CreateBlastResult;
  /** What the review was made for (the form as it was): a changed form makes it stale. */
  key: string;
  scheduled: boolean;
}

export type CreateFlow = ReturnType<typeof useCreateFlow>;

/**
 * Creating a blast the way the dashboard does it everywhere (new blast, follow-up): "send" first
 * opens a review made from a dry run of exactly this blast (who gets it, who was messaged in the
 * last 24 hours, the pacing plan); confirming creates it — once, even when starting it then fails
 * and the person tries again — starts it and opens its page. A draft is created without review:
 * it sends nothing. `review` is the review of the form as it is now, or null (none yet, or the
 * form changed since).
 */
export function useCreateFlow(o: CreateFlowOptions) {
  const [busy, setBusy] = useState<null | 'review' | 'send' | 'draft'>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [created, setCreated] = useState<number | null>(null);

  const openReview = async (scheduled = false) => {
    const key = o.key;
    setBusy('review');
    try {
      setReview({ result: await o.dryRun(), key, scheduled });
    } catch (err) {
      o.onError(err, 'review', null);
    } finally {
      setBusy(null);
    }
  };

  const createOnce = async (): Promise<number | null> => {
    if (created !== null) return created;
    try {
      const res = await o.create();
      if (res.blast_id === null) throw new ApiError(500, 'internal', 'The server did not return the new blast.');
      setCreated(res.blast_id);
      return res.blast_id;
    } catch (err) {
      o.onError(err, 'create', null);
      return null;
    }
  };

  const finish = async (send: boolean) => {
    setBusy(send ? 'send' : 'draft');
    const id = await createOnce();
    if (id === null) {
      setBusy(null);
      return;
    }
    if (send) {
      try {
        await api.send(id);
      } catch (err) {
        o.onError(err, 'send', id);
        setBusy(null);
        return;
      }
    }
    setReview(null);
    navigate(href.blast(id));
  };

  return {
    busy,
    review: review && review.key === o.key ? review : null,
    created,
    openReview,
    closeReview: () => setReview(null),
    /** Confirms the review: create (once), start, open the blast. */
    confirm: () => finish(true),
    createDraft: () => finish(false),
  };
}
