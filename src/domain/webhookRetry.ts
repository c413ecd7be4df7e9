/**
 * When an outbound webhook is tried again (Standard Webhooks' suggested schedule), when it is
 * given up, and when an endpoint that keeps failing is disabled. Pure: the caller passes ages
 * measured by the database clock and the random source.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Ceilings of the delay after failed attempt 1, 2, 3…; the last one repeats. */
export const RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
]);

/** A delivery is retried for at least this long before it is given up. */
export const RETRY_WINDOW_MS = DAY;

/** Full jitter could pick ~0 ms; a floor keeps a failing endpoint from being hit in a tight loop. */
const MIN_DELAY_MS = SECOND;

export type RetryDecision = { giveUp: true } | { giveUp: false; delayMs: number };

/**
 * After failed attempt number `attempt` (1-based) of a delivery first tried `ageMs` ago: give up
 * once the retry window has passed (so the last attempt is at least RETRY_WINDOW_MS after the
 * first), otherwise wait a uniformly random time up to the schedule's ceiling (full jitter, so
 * the deliveries of an endpoint coming back are spread out instead of arriving at one instant).
 */
export function afterFailedAttempt(
  attempt: number,
  ageMs: number,
  random: () => number,
  schedule: readonly number[] = RETRY_SCHEDULE_MS,
): RetryDecision {
  if (ageMs >= RETRY_WINDOW_MS) return { giveUp: true };
  const ceiling = schedule[Math.min(Math.max(1, attempt), schedule.length) - 1]!;
  return { giveUp: false, delayMs: Math.max(MIN_DELAY_MS, Math.round(random() * ceiling)) };
}

/** An endpoint that has failed without a single success for `days` days is disabled. */
export function shouldDisableEndpoint(failingForMs: number, days: number): boolean {
  return failingForMs >= days * DAY;
}

/** How long a claimed delivery stays reserved for the worker that took it (a dead worker's claim expires). */
export function claimLeaseMs(timeoutMs: number): number {
  return timeoutMs + 30 * SECOND;
}
