/** One look at a sending blast: when, and how many recipients were done by then. */
export interface ProgressSample {
  at: number;
  done: number;
}

/**
 * Seconds left at the pace seen between the first and the latest sample, or null until there is
 * a pace to speak of (some progress over at least `minMs`). Pure: the caller passes the clock.
 */
export function remainingSeconds(first: ProgressSample, latest: ProgressSample, total: number, minMs = 2000): number | null {
  const elapsed = latest.at - first.at;
  const progressed = latest.done - first.done;
  if (elapsed < minMs || progressed <= 0) return null;
  const left = Math.max(0, total - latest.done);
  return (left / progressed) * (elapsed / 1000);
}
