import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  RETRY_SCHEDULE_MS,
  RETRY_WINDOW_MS,
  afterFailedAttempt,
  claimLeaseMs,
  shouldDisableEndpoint,
} from '../../src/domain/webhookRetry.ts';

const HOUR = 3_600_000;
const always = (x: number) => () => x;

describe('outbound webhook retry schedule', () => {
  it('follows the Standard Webhooks ceilings: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then 10 h again', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => afterFailedAttempt(n, 0, always(1)));
    expect(ceilings.map((d) => (d.giveUp ? -1 : d.delayMs))).toEqual([
      5_000,
      300_000,
      1_800_000,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      10 * HOUR,
      10 * HOUR,
      10 * HOUR,
    ]);
    expect(RETRY_SCHEDULE_MS).toHaveLength(7);
  });

  it('draws the delay uniformly below the ceiling (full jitter), never under one second', () => {
    expect(afterFailedAttempt(2, 0, always(0.5))).toEqual({ giveUp: false, delayMs: 150_000 });
    expect(afterFailedAttempt(3, 0, always(0.25))).toEqual({ giveUp: false, delayMs: 450_000 });
    expect(afterFailedAttempt(1, 0, always(0))).toEqual({ giveUp: false, delayMs: 1_000 });
    expect(afterFailedAttempt(2, 0, always(0))).toEqual({ giveUp: false, delayMs: 1_000 });
  });

  it('gives up only once the delivery has been retried for the whole window (at least 24 hours)', () => {
    expect(RETRY_WINDOW_MS).toBeGreaterThanOrEqual(24 * HOUR);
    expect(afterFailedAttempt(30, RETRY_WINDOW_MS - 1, always(1)).giveUp).toBe(false);
    expect(afterFailedAttempt(2, RETRY_WINDOW_MS, always(1)).giveUp).toBe(true);
  });

  it('keeps retrying past 24 hours whatever the jitter draws, then stops', () => {
    for (const r of [0, 0.01, 0.5, 1]) {
      let age = 0;
      let attempt = 1;
      for (;;) {
        const d = afterFailedAttempt(attempt, age, always(r));
        if (d.giveUp) break;
        age += d.delayMs;
        attempt++;
      }
      expect(age).toBeGreaterThanOrEqual(24 * HOUR);
      expect(age).toBeLessThan(24 * HOUR + 10 * HOUR + 1);
    }
  });

  it('disables an endpoint after N whole days of failing, not before', () => {
    expect(shouldDisableEndpoint(5 * 24 * HOUR - 1, 5)).toBe(false);
    expect(shouldDisableEndpoint(5 * 24 * HOUR, 5)).toBe(true);
    expect(shouldDisableEndpoint(12 * HOUR, 0.5)).toBe(true);
  });

  it('reserves a claimed delivery for longer than a request may take', () => {
    expect(claimLeaseMs(10_000)).toBeGreaterThan(2 * 10_000);
  });
});

describe('OUTBOUND_DISABLE_AFTER_DAYS', () => {
  it('defaults to 5 days and refuses a value that is not a positive number, naming the variable', () => {
    expect(loadConfig({}).outboundDisableAfterDays).toBe(5);
    expect(loadConfig({ OUTBOUND_DISABLE_AFTER_DAYS: '0.5' }).outboundDisableAfterDays).toBe(0.5);
    expect(() => loadConfig({ OUTBOUND_DISABLE_AFTER_DAYS: '-1' })).toThrow(/^Invalid configuration: OUTBOUND_DISABLE_AFTER_DAYS /);
    expect(() => loadConfig({ OUTBOUND_DISABLE_AFTER_DAYS: 'soon' })).toThrow(/OUTBOUND_DISABLE_AFTER_DAYS/);
  });
});
