import { useRef, useState } from 'react';
import { api } from '../lib/api.ts';
import type { Blast, Plan } from '../lib/types.ts';
import { usePolling } from '../lib/usePolling.ts';
import css from './PacingPlan.module.css';

const LIVE = new Set(['draft', 'scheduled', 'sending', 'paused']);

/**
 * The blast's pace in words and its ETA under it ("≈ 4 h 10 m, finishes tomorrow 10:40 because of
 * the send window"), or that it is waiting for its send window. The live funnel comes over SSE;
 * the plan changes slowly, so it is re-read every 20 s while the blast is live.
 */
export function PacingPlan({ blast }: { blast: Blast }) {
  const [plan, setPlan] = useState<Plan | undefined>(blast.plan);
  // The page has just read the blast, plan included: the first look would only repeat it.
  const looked = useRef(false);
  const live = LIVE.has(blast.state);
  usePolling(
    async () => {
      if (!looked.current) {
        looked.current = true;
        return;
      }
      if (live) setPlan((await api.getBlast(blast.id)).plan);
    },
    20_000,
    [blast.id, blast.state],
  );
  const shown = live ? plan : blast.plan;
  if (!shown) return null;
  return (
    <div className={css.plan} data-testid="pacing-plan">
      <p>
        <strong>Pace:</strong> {shown.summary}
      </p>
      {shown.waiting_for_window && shown.note ? (
        <p className="hint" role="status">
          {shown.note[0]!.toUpperCase() + shown.note.slice(1)}; it continues by itself.
        </p>
      ) : null}
      {live && shown.finishes_at ? <p className="hint">{shown.eta_text}</p> : null}
    </div>
  );
}
