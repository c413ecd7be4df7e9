import { describe, expect, it } from 'vitest';
import { DevicePace, GIVE_BACK_AFTER_MS } from '../../src/domain/devicePace.ts';
import { type PacingDefaults, type PacingSettings, resolvePacing } from '../../src/domain/pacingRules.ts';

const DEFAULTS: PacingDefaults = {
  preset: 'fast',
  rate: 10,
  burst: 1,
  jitterMs: 0,
  minGapMs: null,
  maxGapMs: null,
  hourlyCap: null,
  dailyCap: null,
  window: null,
  timeZone: 'UTC',
};
const NO_HISTORY = { inUseSince: null, warmSince: null, lastSentAt: null };
const rules = (set: Partial<PacingDefaults> = {}) => {
  const none: PacingSettings = { ...DEFAULTS, preset: null, rate: null, burst: null, jitterMs: null, timeZone: null };
  return resolvePacing(none, { ...DEFAULTS, ...set }, null, NO_HISTORY, 0);
};
const never = () => 0.5;

/** Sends whatever the pace allows, as the sender's loop does, from `from` to `to`; returns the send times. */
function run(pace: DevicePace, from: number, to: number): number[] {
  const sent: number[] = [];
  for (let t = from; t < to; ) {
    const careful = pace.careful(t);
    if (careful.may < 1) {
      t += careful.waitMs;
      continue;
    }
    const room = pace.gatewayRoom(t);
    if (room.tokens < 1) {
      t += room.waitMs;
      continue;
    }
    const n = Math.min(careful.may, room.tokens);
    pace.spend(n, t);
    for (let i = 0; i < n; i++) sent.push(t);
  }
  return sent;
}

const maxInAnySecond = (times: number[]) => {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - 1000) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};

describe('DevicePace (injected clock)', () => {
  it('lets one message go now and says when the next may', () => {
    const pace = new DevicePace(rules(), never, 0);
    expect(pace.careful(0).may).toBeGreaterThan(0);
    expect(pace.gatewayRoom(0)).toEqual({ tokens: 1, waitMs: 0, rate: 10 });
    pace.spend(1, 0);
    expect(pace.gatewayRoom(0)).toEqual({ tokens: 0, waitMs: 100, rate: 10 });
    expect(pace.gatewayRoom(100).tokens).toBe(1);
  });

  it('sends the rate over a long run and never more than max(rate, burst) in any second', () => {
    for (const [rate, burst] of [
      [10, 1],
      [5, 5],
      [3, 8],
      [500, 1],
    ] as const) {
      const pace = new DevicePace(rules({ rate, burst }), never, 0);
      const sent = run(pace, 0, 20_000);
      expect(maxInAnySecond(sent), `${rate}/s burst ${burst}`).toBeLessThanOrEqual(Math.max(rate, burst));
      // The average is the rate: the one-second window only trims the bucket's bursts (1 % for waits rounded to whole ms).
      expect(sent.length, `${rate}/s burst ${burst}`).toBeGreaterThanOrEqual(Math.floor(rate * 20 * 0.99));
    }
  });

  it('a 429 pauses until its Retry-After, from an empty bucket; only a second storm within 10 s cuts the rate', () => {
    const pace = new DevicePace(rules({ rate: 10 }), never, 0);
    pace.rateLimited(2000, 0);
    expect(pace.gatewayRoom(500)).toEqual({ tokens: 0, waitMs: 1500, rate: 10 });
    expect(pace.gatewayRoom(2000).rate).toBe(10); // an isolated storm is forgiven
    pace.rateLimited(0, 3000);
    expect(pace.gatewayRoom(3000).rate).toBe(5); // the second halves it (domain/aimd)
  });

  it('a message that did not go out does not count against the caps', () => {
    const pace = new DevicePace(rules({ dailyCap: 2 }), never, 0);
    pace.spend(2, 0);
    expect(pace.careful(0)).toMatchObject({ may: 0, reason: 'daily_cap' });
    pace.notSent(0);
    expect(pace.careful(0).may).toBe(1);
    pace.rateLimited(0, 0); // a 429 did not send either
    expect(pace.careful(0).may).toBe(2);
  });

  it('a new turn starts from an empty bucket and from what the device sent, whoever sent it', () => {
    const pace = new DevicePace(rules({ dailyCap: 5 }), never, 0);
    pace.startTurn({ lastHour: [], today: 5, lastSentAt: null }, 0);
    expect(pace.careful(0)).toMatchObject({ may: 0, reason: 'daily_cap' });
    const fresh = new DevicePace(rules(), never, 0);
    fresh.startTurn({ lastHour: [], today: 0, lastSentAt: null }, 0);
    expect(fresh.gatewayRoom(0)).toEqual({ tokens: 0, waitMs: 100, rate: 10 });
  });

  it('new rules apply at once', () => {
    const pace = new DevicePace(rules({ rate: 10 }), never, 0);
    pace.configure(rules({ rate: 2, hourlyCap: 1 }), 0);
    expect(pace.rules.rate).toBe(2);
    pace.spend(1, 0);
    expect(pace.careful(0)).toMatchObject({ may: 0, reason: 'hourly_cap' });
  });

  it('gives the device back only for waits of more than a minute', () => {
    expect(DevicePace.givesBack(GIVE_BACK_AFTER_MS)).toBe(false);
    expect(DevicePace.givesBack(GIVE_BACK_AFTER_MS + 1)).toBe(true);
  });
});
