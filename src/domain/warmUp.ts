import { localDaysBetween } from './sendWindow.ts';

/**
 * A new number earns its volume: 20 messages on its first day, ×1.8 a day after (20, 36, 65, 117,
 * 210, 378, 680, …, at most 1,500), counted from its first send on wablast — or from the date the
 * operator declares it has been in use since. A number wablast has not sent from for 72 hours
 * starts again at day 1 (WhatsApp treats a long-silent number as new), unless a declared date
 * says it is in daily use elsewhere.
 */
export const WARM_UP_FIRST_DAY = 20;
export const WARM_UP_GROWTH = 1.8;
export const WARM_UP_MAX = 1_500;
export const REWARM_AFTER_MS = 72 * 3_600_000;
/** Days a number counts as fresh (slower gaps) before the established gaps apply. */
export const WARM_UP_FRESH_DAYS = 7;

export interface WarmUpHistory {
  /** Declared by the operator (devices.in_use_since). */
  inUseSince: number | null;
  /** First send of the current run of sends on wablast (devices.warm_since). */
  warmSince: number | null;
  lastSentAt: number | null;
}

/** Day 1 is the first day; the day of `now` in the number's life, in local days of `tz`. */
export function warmUpDay(h: WarmUpHistory, tz: string, now: number): number {
  const start =
    h.inUseSince ?? (h.warmSince !== null && h.lastSentAt !== null && now - h.lastSentAt <= REWARM_AFTER_MS ? h.warmSince : now);
  return Math.max(1, localDaysBetween(tz, start, now) + 1);
}

export function warmUpDailyCap(day: number): number {
  return Math.min(WARM_UP_MAX, Math.round(WARM_UP_FIRST_DAY * WARM_UP_GROWTH ** (Math.max(1, day) - 1)));
}

/** Where a run of sends starts: a send after 72 h of silence starts a new one. */
export function nextWarmSince(warmSince: number | null, lastSentAt: number | null, sentAt: number): number {
  return warmSince === null || lastSentAt === null || sentAt - lastSentAt > REWARM_AFTER_MS ? sentAt : warmSince;
}
