import { useEffect, useRef, useState } from 'react';
import { type ProgressSample, remainingSeconds } from '../lib/eta.ts';
import { formatClock, formatDuration } from '../lib/format.ts';
import type { SendPlan } from '../lib/types.ts';
import { ProgressBar } from './ProgressBar.tsx';

interface Props {
  done: number;
  total: number;
  paused: boolean;
  /** The server's pacing plan, when it has one: its finish time is preferred to the pace seen here. */
  plan?: SendPlan | null | undefined;
}

/** Progress while a blast sends, with the time left: from the pacing plan, else from the pace seen on this page. */
export function SendingProgress({ done, total, paused, plan }: Props) {
  const first = useRef<ProgressSample | null>(null);
  const [latest, setLatest] = useState<ProgressSample | null>(null);
  useEffect(() => {
    const now = { at: Date.now(), done };
    // A pause resets the pace: time spent paused says nothing about the speed.
    if (paused || first.current === null) first.current = now;
    setLatest(now);
  }, [done, paused]);

  let eta: string | null = null;
  if (paused) eta = 'Paused: nothing more is sent until you resume.';
  else if (plan?.waiting_for_window && plan.window_opens_at)
    eta = `Waiting for the sending window: it opens at ${formatClock(plan.window_opens_at)}.`;
  else if (plan?.finishes_at)
    eta = `Finishing around ${formatClock(plan.finishes_at)}${plan.eta_seconds != null ? ` (${formatDuration(plan.eta_seconds)} left)` : ''}.`;
  else {
    const left = first.current && latest ? remainingSeconds(first.current, latest, total) : null;
    eta =
      left === null
        ? 'Working out the time left…'
        : `${capitalise(formatDuration(left))} left, finishing around ${formatClock(new Date(Date.now() + left * 1000).toISOString())}.`;
  }
  return (
    <>
      <ProgressBar done={done} total={total} label="Sending progress" />
      <p className="hint" data-testid="sending-eta" aria-live="polite">
        {eta}
      </p>
    </>
  );
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
