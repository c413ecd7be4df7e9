import type { Eta } from './pacingEta.ts';
import type { PacingRules } from './pacingRules.ts';
import { hhmm, localDaysBetween } from './sendWindow.ts';
import { wallTime } from './timeBounds.ts';

/**
 * The plan and the ETA in words, for the dashboard and the API:
 * "safe: one message every 10–30 s, at most 80 an hour and 400 a day, Mon–Sat 09:00–20:00 Asia/Kuala_Lumpur"
 * and "≈ 4 h 10 m, finishes tomorrow 10:40 because of the send window".
 */
export function describePlan(r: PacingRules): string {
  const name = r.preset === 'warm-up' ? `warm-up (day ${r.warmUpDay})` : r.preset;
  const pace =
    r.maxGapMs > 0
      ? `one message every ${seconds(r.minGapMs)}–${seconds(r.maxGapMs)} s`
      : `as fast as the gateway allows (${count(r.rate)} a second${r.burst > 1 ? `, bursts of ${r.burst}` : ''}${r.jitterMs > 0 ? `, up to ${seconds(r.jitterMs)} s apart` : ''})`;
  const caps = [
    r.hourlyCap !== null ? `${count(r.hourlyCap)} an hour` : null,
    r.dailyCap !== null ? `${count(r.dailyCap)} a day` : null,
  ].filter(Boolean);
  const limit = caps.length ? `, at most ${caps.join(' and ')}` : '';
  const when = r.window.always ? 'any time' : `${r.window.text} ${r.timeZone}`;
  return `${name}: ${pace}${limit}, ${when}`;
}

const BECAUSE = { window: 'the send window', daily_cap: 'the daily cap', hourly_cap: 'the hourly cap' } as const;

export function describeEta(eta: Eta, now: number, tz: string): string {
  if (eta.finishesAt === null) return 'nothing left to send';
  const why = eta.slowedBy ? ` because of ${BECAUSE[eta.slowedBy]}` : '';
  return `≈ ${duration(eta.finishesAt - now)}, finishes ${when(eta.finishesAt, now, tz)}${why}`;
}

/** "waiting for the send window (opens 09:00)", "… (opens Mon 09:00)". */
export function describeWaiting(opensAt: number, now: number, tz: string): string {
  return `waiting for the send window (opens ${when(opensAt, now, tz, true)})`;
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} m`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "10:40" today, "tomorrow 10:40", "Wed 3 Dec 10:40" beyond. */
function when(t: number, now: number, tz: string, todayBare = false): string {
  const w = wallTime(tz, t);
  const time = hhmm(w.hour * 60 + w.minute);
  const days = localDaysBetween(tz, now, t);
  if (days === 0) return todayBare ? time : `today ${time}`;
  if (days === 1) return `tomorrow ${time}`;
  const date = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(t));
  return `${date} ${time}`;
}

const seconds = (ms: number) => String(Math.round(ms / 100) / 10);
const count = (n: number) => n.toLocaleString('en');
