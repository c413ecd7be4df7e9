import type { SendHistory } from './pacer.ts';
import type { PaceReason } from './pacer.ts';
import type { PacingRules } from './pacingRules.ts';
import { isOpen, nextClose, nextLocalMidnight, nextOpen } from './sendWindow.ts';

const HOUR = 3_600_000;
/** Beyond this many simulated sends the answer would take too long to be worth giving. */
const MAX_STEPS = 2_000_000;

export interface Eta {
  /** When the last of `remaining` leaves, at the average pace (null when nothing remains). */
  finishesAt: number | null;
  /** What held the blast back longest on the way, if anything did. */
  slowedBy: Exclude<PaceReason, 'gap'> | null;
  waitingForWindow: boolean;
  windowOpensAt: number | null;
}

/**
 * When `remaining` messages will have left, walking the same rules the Pacer applies — window,
 * local-day cap, sliding-hour cap — with the average gap for the random one. Pure and fast: it
 * jumps over shut windows and full caps instead of stepping through them.
 */
export function estimateFinish(remaining: number, rules: PacingRules, history: SendHistory, now: number): Eta {
  const open = isOpen(rules.window, rules.timeZone, now);
  const windowOpensAt = open ? null : nextOpen(rules.window, rules.timeZone, now);
  const waited: Record<Exclude<PaceReason, 'gap'>, number> = { window: 0, daily_cap: 0, hourly_cap: 0 };
  if (remaining <= 0) return { finishesAt: null, slowedBy: null, waitingForWindow: false, windowOpensAt };
  if (remaining > MAX_STEPS) return { finishesAt: null, slowedBy: null, waitingForWindow: !open, windowOpensAt };
  const hour = [...history.lastHour];
  let head = 0;
  let today = history.today;
  let t = now;
  let dayEnds = nextLocalMidnight(rules.timeZone, t);
  let closesAt = open ? nextClose(rules.window, rules.timeZone, t) : t;
  let nextAt = history.lastSentAt === null ? t : history.lastSentAt + rules.meanStepMs;
  const jump = (to: number, why: keyof typeof waited) => {
    waited[why] += to - t;
    t = to;
  };
  for (let sent = 0; sent < remaining; ) {
    if (t >= dayEnds) {
      today = 0;
      dayEnds = nextLocalMidnight(rules.timeZone, t);
    }
    if (t >= closesAt) {
      if (!isOpen(rules.window, rules.timeZone, t)) {
        jump(nextOpen(rules.window, rules.timeZone, t), 'window');
        continue;
      }
      closesAt = nextClose(rules.window, rules.timeZone, t);
    }
    if (rules.dailyCap !== null && today >= rules.dailyCap) {
      jump(dayEnds, 'daily_cap');
      continue;
    }
    while (head < hour.length && hour[head]! <= t - HOUR) head++;
    if (rules.hourlyCap !== null && hour.length - head >= rules.hourlyCap) {
      jump(hour[hour.length - rules.hourlyCap]! + HOUR + 1, 'hourly_cap');
      continue;
    }
    if (t < nextAt) t = nextAt;
    if (t >= closesAt || t >= dayEnds) continue;
    // Several at once when the pace allows (fast): as many as fit before the next boundary.
    const room = Math.min(
      remaining - sent,
      rules.dailyCap === null ? Number.POSITIVE_INFINITY : rules.dailyCap - today,
      rules.hourlyCap === null ? Number.POSITIVE_INFINITY : rules.hourlyCap - (hour.length - head),
      Math.max(1, Math.floor((Math.min(closesAt, dayEnds) - t) / rules.meanStepMs)),
    );
    const n = Math.max(1, room);
    const last = t + (n - 1) * rules.meanStepMs;
    if (rules.hourlyCap !== null) for (let i = 0; i < n; i++) hour.push(t + i * rules.meanStepMs);
    sent += n;
    today += n;
    t = last;
    nextAt = last + rules.meanStepMs;
  }
  const longest = (Object.entries(waited) as Array<[keyof typeof waited, number]>).sort((a, b) => b[1] - a[1])[0]!;
  return { finishesAt: Math.round(t), slowedBy: longest[1] > 0 ? longest[0] : null, waitingForWindow: !open, windowOpensAt };
}
