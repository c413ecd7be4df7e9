import { backoffMs } from './backoff.ts';

/**
 * What the engine does by itself with a send that did not go out: the one home of the automatic
 * retry rule. Which answers prove a message unsent is the gateway's meaning (gateway/classify:
 * `retryable`, `rate_limited`); which FAILED recipients a person may send again is FAILURE_RETRY
 * there, which reads GAVE_UP below. An answer that may have reached the phone (`ambiguous`) is never
 * retried here: at most once comes first. Pure: the random source is injected.
 */

/** A retry as the outcome store takes it: back to the queue, due after `delayMs`. */
export interface Retry {
  kind: 'retry';
  reason: string;
  delayMs: number;
  /** Whether the try counts towards SEND_MAX_ATTEMPTS. */
  spendAttempt: boolean;
}

/** How the reason of a recipient whose attempts ran out starts; FAILURE_RETRY matches it. */
export const GAVE_UP = /^gave up after \d+ attempts/;

/**
 * The gateway or the network proved the send unsent (5xx, connection refused): tried again after
 * an exponential backoff with jitter (domain/backoff), each try spending an attempt, until
 * `maxAttempts` tries were made — then FAILED, in words GAVE_UP recognises.
 */
export function afterUnsent(
  attemptsBefore: number,
  maxAttempts: number,
  reason: string,
  random: () => number,
): Retry | { kind: 'failed'; reason: string } {
  const attempt = attemptsBefore + 1;
  if (attempt >= maxAttempts) return { kind: 'failed', reason: `gave up after ${attempt} attempts: ${reason}` };
  return { kind: 'retry', reason, delayMs: backoffMs(attempt, random), spendAttempt: true };
}

/** Told to slow down (429): tried again once the gateway's Retry-After has passed. Being rate limited is not a failure: no attempt is spent. */
export function afterRateLimited(retryAfterMs: number, reason: string): Retry {
  return { kind: 'retry', reason, delayMs: retryAfterMs, spendAttempt: false };
}
