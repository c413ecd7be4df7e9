import { describe, expect, it } from 'vitest';
import { HOLD_BASE_MS, HOLD_CAP_MS, holdWait, nextHold } from '../../src/domain/holdBackoff.ts';
import { LookupStreak } from '../../src/domain/lookupAvailability.ts';
import { BREAKER_THRESHOLD, RefusalBreaker } from '../../src/domain/refusalBreaker.ts';
import { holdReason } from '../../src/send/deviceHold.ts';

describe('nextHold', () => {
  it('starts at seconds, doubles after each refused probe, stops at a few minutes', () => {
    const mid = () => 0.5;
    const steps: number[] = [];
    let prev: number | null = null;
    for (let i = 0; i < 12; i++) {
      const s = nextHold(prev, mid);
      steps.push(s.backoffMs);
      expect(s.waitMs).toBe(s.backoffMs);
      prev = s.backoffMs;
    }
    expect(steps.slice(0, 5)).toEqual([2000, 4000, 8000, 16000, 32000]);
    expect(steps.at(-1)).toBe(HOLD_CAP_MS);
    expect(Math.max(...steps)).toBe(HOLD_CAP_MS);
  });

  it('jitters the wait between 75 % and 125 % of the step', () => {
    expect(nextHold(null, () => 0).waitMs).toBe(HOLD_BASE_MS * 0.75);
    expect(nextHold(null, () => 0.999999).waitMs).toBe(Math.round(HOLD_BASE_MS * 1.2499995));
    expect(nextHold(4000, () => 0).backoffMs).toBe(8000);
  });

  it('an inconclusive probe waits the same step again, jittered the same way', () => {
    expect(holdWait(8000, () => 0)).toBe(6000);
    expect(holdWait(8000, () => 0.5)).toBe(8000);
    expect(holdWait(8000, () => 0.25)).toBe(nextHold(4000, () => 0.25).waitMs);
  });
});

describe('RefusalBreaker', () => {
  it(`trips on ${BREAKER_THRESHOLD} refusals in a row across different numbers`, () => {
    const b = new RefusalBreaker();
    const trips = ['+601', '+602', '+603', '+604', '+605'].map((p) => b.refused(p));
    expect(trips).toEqual([false, false, false, false, true]);
  });

  it('an accepted send between them resets the run', () => {
    const b = new RefusalBreaker(3);
    b.refused('+601');
    b.refused('+602');
    b.accepted();
    expect(b.refused('+603')).toBe(false);
    expect(b.refused('+604')).toBe(false);
    expect(b.refused('+605')).toBe(true);
  });

  it('the same number refused again counts once', () => {
    const b = new RefusalBreaker(3);
    expect([b.refused('+601'), b.refused('+601'), b.refused('+601'), b.refused('+602')]).toEqual([false, false, false, false]);
    expect(b.length).toBe(2);
    expect(b.refused('+603')).toBe(true);
  });
});

describe('LookupStreak', () => {
  it('gives up after five refusals or 404s in a row; a status read brings lookups back', () => {
    const s = new LookupStreak();
    expect(['refused', 'not_found', 'refused', 'refused'].map((k) => s.observe(k as 'refused'))).toEqual([null, null, null, null]);
    expect(s.observe('not_found')).toBe('unavailable');
    expect(s.observe('status')).toBe('available');
    expect(s.observe('refused')).toBeNull();
  });

  it('network errors and rate limits say nothing about the endpoint', () => {
    const s = new LookupStreak(2);
    expect(s.observe('refused')).toBeNull();
    expect(s.observe('error')).toBeNull();
    expect(s.observe('rate_limited')).toBeNull();
    expect(s.observe('refused')).toBe('unavailable');
  });
});

describe('holdReason', () => {
  it('keeps the gateway words, drops phone numbers, bounds the length', () => {
    expect(holdReason('Unauthorised Token')).toBe('Unauthorised Token');
    expect(holdReason('5 different numbers refused; the last: +60123456789 invalid')).toBe(
      '5 different numbers refused; the last: [number] invalid',
    );
    expect(holdReason('x'.repeat(1000))).toHaveLength(300);
  });
});
