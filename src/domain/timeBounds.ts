import { zoneOffset } from './wallClock.ts';

/**
 * Report and inbox bounds: `from` and `to` are either a date — a whole day in the business's time
 * zone, so `to=2026-11-30` includes the 30th — or an ISO 8601 instant (with offset), `to` exclusive.
 */
export interface Bounds {
  from?: Date | undefined;
  to?: Date | undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function resolveBounds(from: string | undefined, to: string | undefined, tz: string): Bounds {
  return {
    from: from === undefined ? undefined : DATE.test(from) ? zonedMidnight(from, tz, 0) : new Date(from),
    to: to === undefined ? undefined : DATE.test(to) ? zonedMidnight(to, tz, 1) : new Date(to),
  };
}

/** The instant the day `date` (+ `addDays`) begins in `tz`. */
export function zonedMidnight(date: string, tz: string, addDays = 0): Date {
  const [, y, m, d] = DATE.exec(date)!.map(Number) as [number, number, number, number];
  const wall = Date.UTC(y, m - 1, d + addDays);
  // The offset at the guess, then again at the corrected instant (a DST change near midnight).
  let t = wall - offsetMs(tz, wall);
  t = wall - offsetMs(tz, t);
  return new Date(t);
}

/** How far `tz`'s wall clock is ahead of UTC at instant `t`. */
export const offsetMs = (tz: string, t: number): number => zoneOffset(tz)(t);
