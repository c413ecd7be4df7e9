/** First wait of a held device before its probe send, and the longest. */
export const HOLD_BASE_MS = 2_000;
export const HOLD_CAP_MS = 5 * 60_000;

/**
 * The next wait of a held device before it probes the gateway with one send: HOLD_BASE_MS the
 * first time, doubling after each refused probe up to HOLD_CAP_MS. `backoffMs` is the un-jittered
 * step to store for the next doubling; `waitMs` is jittered (75–125 %) so many devices held by one
 * outage do not probe in the same instant. `random` is injected so tests are exact.
 */
export function nextHold(previousBackoffMs: number | null, random: () => number): { backoffMs: number; waitMs: number } {
  const backoffMs = previousBackoffMs === null ? HOLD_BASE_MS : Math.min(HOLD_CAP_MS, Math.max(HOLD_BASE_MS, previousBackoffMs * 2));
  return { backoffMs, waitMs: holdWait(backoffMs, random) };
}

/** The wait before the next probe at this step, jittered 75–125 % (also when an inconclusive probe re-arms the same step). */
export function holdWait(backoffMs: number, random: () => number): number {
  return Math.round(backoffMs * (0.75 + random() * 0.5));
}
