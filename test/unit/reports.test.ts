import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { isTimeZone, stageFunnel } from '../../src/domain/stageFunnel.ts';
import { resolveBounds, zonedMidnight } from '../../src/domain/timeBounds.ts';

describe('report bounds and rates', () => {
  it('a date is a whole day in the zone; `to` includes its day; DST days are 23 or 25 hours', () => {
    expect(zonedMidnight('2026-11-30', 'Asia/Kuala_Lumpur').toISOString()).toBe('2026-11-29T16:00:00.000Z');
    expect(zonedMidnight('2026-11-30', 'Asia/Kolkata').toISOString()).toBe('2026-11-29T18:30:00.000Z');
    const b = resolveBounds('2026-03-08', '2026-03-08', 'America/New_York');
    expect(b.from!.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(b.to!.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(resolveBounds(undefined, '2026-11-30T10:00:00+08:00', 'UTC').to!.toISOString()).toBe('2026-11-30T02:00:00.000Z');
  });

  it('rates are from each stage to the one before, 0 when nobody reached it', () => {
    expect(stageFunnel({ sent: 200, received: 150, read: 100, replied: 20, closed: 5 }).rates).toEqual({
      received: 0.75,
      read: 0.6667,
      replied: 0.2,
      closed: 0.25,
    });
    expect(stageFunnel({}).rates).toEqual({ received: 0, read: 0, replied: 0, closed: 0 });
  });

  it('time zones: IANA names pass, anything else is refused, and REPORT_TIMEZONE is checked at start-up', () => {
    expect(isTimeZone('Asia/Kuala_Lumpur')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone("UTC'; DROP TABLE blasts; --")).toBe(false);
    expect(loadConfig({}).reportTimeZone).toBe('Asia/Kuala_Lumpur');
    expect(() => loadConfig({ REPORT_TIMEZONE: 'Nowhere/Land' })).toThrow(/^Invalid configuration: REPORT_TIMEZONE /);
  });
});
