import { describe, expect, it } from 'vitest';
import { FAILURE_RETRY, failureRetryable } from '../../src/gateway/classify.ts';

describe('which failures "Retry failed" sends again', () => {
  it('never a number that cannot receive WhatsApp, a refused message, or a blocked sender', () => {
    for (const reason of [
      'HTTP 400: number not on WhatsApp',
      'number not registered on WhatsApp',
      'Nomor tidak terdaftar: not exists',
      'invalid phone number',
      'HTTP 400: message too long',
      'account banned',
      'recipient has blocked you',
    ])
      expect(failureRetryable(reason), reason).toBe(false);
  });

  it('failures another try can fix: attempts used up on a gateway that was down, a refusal that may pass, no reason at all', () => {
    for (const reason of [
      'gave up after 5 attempts: HTTP 503',
      'gave up after 3 attempts: ECONNREFUSED',
      'WhatsApp refused the message',
      'HTTP 409',
      '',
      null,
    ]) {
      expect(failureRetryable(reason), String(reason)).toBe(true);
    }
  });

  it('every row says why, and the last row catches everything', () => {
    expect(FAILURE_RETRY.every((r) => r.why.length > 0)).toBe(true);
    expect(FAILURE_RETRY.at(-1)!.match.test('anything at all')).toBe(true);
  });
});
