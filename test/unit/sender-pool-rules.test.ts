import { describe, expect, it } from 'vitest';
import { HEALTH_MIN_SENDS, healthVerdict } from '../../src/domain/deviceHealth.ts';
import { type PoolMember, POOL_SLACK, takesNewPhones } from '../../src/domain/senderPool.ts';

const member = (device: string, over: Partial<PoolMember> = {}): PoolMember => ({
  device,
  live: true,
  held: false,
  sentToday: 0,
  cap: 100,
  ...over,
});

describe('takesNewPhones (sender pool)', () => {
  it('a pool of one always takes its new phones while it runs', () => {
    expect(takesNewPhones(member('a'), [])).toBe(true);
    expect(takesNewPhones(member('a', { held: true }), [])).toBe(true); // it must be able to probe
    expect(takesNewPhones(member('a', { live: false }), [])).toBe(false);
  });

  it('gives new phones to the device with the most room relative to its cap, within the slack', () => {
    const b = member('b', { sentToday: 10, cap: 100 });
    expect(takesNewPhones(member('a', { sentToday: 10 + POOL_SLACK, cap: 100 }), [b])).toBe(true);
    expect(takesNewPhones(member('a', { sentToday: 11 + POOL_SLACK, cap: 100 }), [b])).toBe(false);
    expect(takesNewPhones(b, [member('a', { sentToday: 50 })])).toBe(true);
    // Relative to the cap: 40 of 400 is less used than 15 of 100.
    expect(takesNewPhones(member('big', { sentToday: 40, cap: 400 }), [member('small', { sentToday: 15, cap: 100 })])).toBe(true);
    expect(takesNewPhones(member('small', { sentToday: 15, cap: 100 }), [member('big', { sentToday: 40, cap: 400 })])).toBe(false);
  });

  it('an uncapped device has the most room; two uncapped devices both pull', () => {
    expect(takesNewPhones(member('capped', { sentToday: 0 }), [member('free', { cap: null, sentToday: 1000 })])).toBe(false);
    expect(takesNewPhones(member('free', { cap: null, sentToday: 1000 }), [member('capped')])).toBe(true);
    expect(takesNewPhones(member('x', { cap: null, sentToday: 900 }), [member('y', { cap: null, sentToday: 0 })])).toBe(true);
  });

  it('ignores rivals that cannot send: paused/disabled/unleased, held, or at their cap', () => {
    const busy = member('a', { sentToday: 90 });
    expect(takesNewPhones(busy, [member('b', { live: false })])).toBe(true);
    expect(takesNewPhones(busy, [member('b', { held: true })])).toBe(true);
    expect(takesNewPhones(busy, [member('b', { sentToday: 100, cap: 100 })])).toBe(true);
    expect(takesNewPhones(busy, [member('b', { sentToday: 0 })])).toBe(false);
  });

  it('a held device takes new phones only when no healthy device of the pool can', () => {
    const held = member('a', { held: true });
    expect(takesNewPhones(held, [member('b', { sentToday: 99 })])).toBe(false);
    expect(takesNewPhones(held, [member('b', { held: true }), member('c', { live: false })])).toBe(true);
  });
});

describe('healthVerdict (automatic pause)', () => {
  it('says nothing before enough sends, then pauses strictly above the threshold', () => {
    expect(healthVerdict({ sends: HEALTH_MIN_SENDS - 1, errors: HEALTH_MIN_SENDS - 1 }, 0.2)).toEqual({
      rate: null,
      pause: false,
      reason: null,
    });
    expect(healthVerdict({ sends: 50, errors: 10 }, 0.2)).toMatchObject({ rate: 0.2, pause: false });
    const bad = healthVerdict({ sends: 50, errors: 11 }, 0.2);
    expect(bad).toMatchObject({ rate: 0.22, pause: true });
    expect(bad.reason).toBe('error rate 22% over the last 50 sends is above 20%');
    expect(healthVerdict({ sends: 50, errors: 50 }, 1).pause).toBe(false);
  });
});
