import { offsetMs, wallTime } from './timeBounds.ts';

/**
 * When a device may send: weekdays and hours in a named time zone (`mon-sat 09:00-20:00`,
 * `mon-fri 09:00-18:00, sat 10:00-14:00`, `daily 08:00-22:00`, `always`). Pure: every question takes the instant.
 * Minutes are the unit: a window opens on the minute and closes before its end minute.
 */
export interface SendWindow {
  /** The text as written, normalised: what the summaries show. */
  readonly text: string;
  readonly always: boolean;
  /** Per weekday (0 = Sunday), the open spans in minutes of the day, sorted and merged. */
  readonly days: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const RANGE = /^(?:(daily|[a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+)?(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/;

export type ParsedWindow = { ok: true; window: SendWindow } | { ok: false; reason: string };

export function parseSendWindow(input: string): ParsedWindow {
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === 'always') return { ok: true, window: { text: 'always', always: true, days: DAY_NAMES.map(() => [[0, 1440]]) } };
  if (text === '') return { ok: false, reason: 'is empty: write e.g. "mon-sat 09:00-20:00" or "always"' };
  const days: Array<Array<[number, number]>> = DAY_NAMES.map(() => []);
  const shown: string[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = RANGE.exec(part);
    if (!m) return { ok: false, reason: `cannot read "${part}": write e.g. "mon-sat 09:00-20:00"` };
    const [, named, d2, h1, m1, h2, m2] = m;
    const d1 = named === 'daily' ? undefined : named;
    const from = d1 === undefined ? 0 : DAY_NAMES.indexOf(d1);
    const to = d2 === undefined ? (d1 === undefined ? 6 : from) : DAY_NAMES.indexOf(d2);
    if (from < 0 || to < 0) return { ok: false, reason: `"${part}": days are mon tue wed thu fri sat sun` };
    const start = Number(h1) * 60 + Number(m1);
    const end = Number(h2) * 60 + Number(m2);
    if (Number(m1) > 59 || Number(m2) > 59 || start >= 1440 || end > 1440)
      return { ok: false, reason: `"${part}": times run from 00:00 to 24:00` };
    if (end <= start) return { ok: false, reason: `"${part}": the end must be after the start (split a window across midnight in two)` };
    for (let d = from; ; d = (d + 1) % 7) {
      days[d]!.push([start, end]);
      if (d === to) break;
    }
    shown.push(`${d1 === undefined ? 'daily' : cap(d1) + (d2 === undefined ? '' : `–${cap(d2)}`)} ${hhmm(start)}–${hhmm(end)}`);
  }
  return { ok: true, window: { text: shown.join(', '), always: false, days: days.map(merge) } };
}

export function isOpen(w: SendWindow, tz: string, now: number): boolean {
  if (w.always) return true;
  const { weekday, minute } = local(tz, now);
  return w.days[weekday]!.some(([s, e]) => s <= minute && minute < e);
}

/** The first instant at or after `now` when the window is open (`now` itself when open). */
export function nextOpen(w: SendWindow, tz: string, now: number): number {
  if (isOpen(w, tz, now)) return now;
  const here = local(tz, now);
  for (let d = 0; d <= 7; d++) {
    const weekday = (here.weekday + d) % 7;
    for (const [s] of w.days[weekday]!) {
      if (d === 0 && s <= here.minute) continue;
      return atLocal(tz, now, d, s);
    }
  }
  throw new Error('a parsed send window is open at least one minute a week');
}

/** The first instant after `now` when an open window closes (`now` when it is shut; Infinity for always). */
export function nextClose(w: SendWindow, tz: string, now: number): number {
  if (w.always) return Number.POSITIVE_INFINITY;
  if (!isOpen(w, tz, now)) return now;
  const here = local(tz, now);
  let minute = here.minute;
  for (let d = 0; d <= 7; d++) {
    const span = w.days[(here.weekday + d) % 7]!.find(([s, e]) => s <= minute && minute < e);
    if (!span) return atLocal(tz, now, d, minute);
    // A span that runs to midnight continues into a span starting at 00:00 the next day.
    if (span[1] < 1440) return atLocal(tz, now, d, span[1]);
    minute = 0;
  }
  return Number.POSITIVE_INFINITY;
}

/** Midnight that starts the local day after the one holding `now`. */
export function nextLocalMidnight(tz: string, now: number): number {
  return atLocal(tz, now, 1, 0);
}

/** The local calendar day of `now` in `tz`, as YYYY-MM-DD. */
export function localDay(tz: string, now: number): string {
  const w = wallTime(tz, now);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** Whole local days from the day of `from` to the day of `to` (0 on the same day). */
export function localDaysBetween(tz: string, from: number, to: number): number {
  const a = wallTime(tz, from);
  const b = wallTime(tz, to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

export const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

function local(tz: string, t: number): { weekday: number; minute: number } {
  const w = wallTime(tz, t);
  return { weekday: w.weekday, minute: w.hour * 60 + w.minute };
}

/** The instant of minute `minute` on the local day `addDays` after the one holding `t` (DST-safe). */
function atLocal(tz: string, t: number, addDays: number, minute: number): number {
  const w = wallTime(tz, t);
  const wall = Date.UTC(w.year, w.month - 1, w.day + addDays, 0, minute);
  let guess = wall - offsetMs(tz, wall);
  guess = wall - offsetMs(tz, guess);
  return guess;
}

function merge(spans: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [s, e] of spans.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');
const cap = (d: string) => d[0]!.toUpperCase() + d.slice(1);
