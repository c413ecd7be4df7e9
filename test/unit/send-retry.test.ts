import { describe, expect, it } from 'vitest';
import { afterRateLimited, afterUnsent, GAVE_UP } from '../../src/domain/sendRetry.ts';
import { failureRetryable } from '../../src/gateway/classify.ts';

describe('the automatic retry of a send that did not go out', () => {
  it('retries with a growing backoff, spending an attempt, until the attempts are used up', () => {
    expect(afterUnsent(0, 5, 'HTTP 503', () => 1)).toEqual({ kind: 'retry', reason: 'HTTP 503', delayMs: 1000, spendAttempt: true });
    expect(afterUnsent(2, 5, 'HTTP 503', () => 1)).toEqual({ kind: 'retry', reason: 'HTTP 503', delayMs: 4000, spendAttempt: true });
    expect(afterUnsent(4, 5, 'HTTP 503', () => 1)).toEqual({ kind: 'failed', reason: 'gave up after 5 attempts: HTTP 503' });
  });

  it('the words it gives up in are the ones "Retry failed" reads as worth another try', () => {
    const gaveUp = afterUnsent(0, 1, 'ECONNREFUSED', () => 0.5);
    expect(gaveUp.kind).toBe('failed');
    expect(GAVE_UP.test(gaveUp.reason)).toBe(true);
    expect(failureRetryable(gaveUp.reason)).toBe(true);
  });

  it('a 429 waits the Retry-After and spends no attempt', () => {
    expect(afterRateLimited(1500, 'rate limited')).toEqual({ kind: 'retry', reason: 'rate limited', delayMs: 1500, spendAttempt: false });
  });
});
