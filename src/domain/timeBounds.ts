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

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// Building a DateTimeFormat costs far more than using one: pacing asks thousands of times a simulated day.
const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `tz` at instant `t`. */
export function wallTime(tz: string, t: number): WallTime {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  const parts = f.formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    weekday: WEEKDAYS.indexOf(parts.find((p) => p.type === 'weekday')?.value ?? ''),
  };
}
