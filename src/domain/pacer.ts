import { drawGap } from './gapDistribution.ts';
import type { PacingRules } from './pacingRules.ts';
import { isOpen, nextLocalMidnight, nextOpen } from './sendWindow.ts';
import { SlidingWindow } from './slidingWindow.ts';

const HOUR = 3_600_000;

export type PaceReason = 'window' | 'daily_cap' | 'hourly_cap' | 'gap';

/** May send `may` now (Infinity: as many as the gateway's pace allows), or wait `waitMs` for `reason`. */
export type PaceDecision = { may: number; waitMs: 0; reason: null } | { may: 0; waitMs: number; reason: PaceReason; opensAt: number };

/** What the device sent recently, as stored (send/deviceSends), for a sender starting its turn. */
export interface SendHistory {
  /** Send times in the last hour, oldest first. */
  lastHour: number[];
  /** Sent since the start of the local day. */
  today: number;
  lastSentAt: number | null;
}

/**
 * The careful part of one device's pace, on an injected clock: the send window, the daily cap per
 * local day, the hourly cap over a sliding hour and the random gap between messages. The gateway's
 * own limit (rate, burst, AIMD) stays with the token bucket; the sender takes the smaller of both.
 */
export class Pacer {
  private readonly hour = new SlidingWindow(HOUR);
  private today = 0;
  private dayEnds = Number.NEGATIVE_INFINITY;
  private nextAt = Number.NEGATIVE_INFINITY;
  private lastSentAt: number | null = null;

  constructor(
    private rules: PacingRules,
    private readonly random: () => number,
  ) {}

  /** New rules (settings changed, a blast with another preset is next, a warm-up day passed). */
  configure(rules: PacingRules, now: number): void {
    const gapChanged = rules.minGapMs !== this.rules.minGapMs || rules.maxGapMs !== this.rules.maxGapMs;
    const zoneChanged = rules.timeZone !== this.rules.timeZone;
    this.rules = rules;
    if (gapChanged && this.lastSentAt !== null) this.nextAt = this.lastSentAt + this.gap();
    // Today's count stays; only where the day ends moves.
    if (zoneChanged) this.dayEnds = nextLocalMidnight(rules.timeZone, now);
  }

  /** Starts from what the database says was sent (a new turn, another engine sent before us). */
  load(history: SendHistory, now: number): void {
    this.hour.clear();
    for (const t of history.lastHour) this.hour.record(1, t);
    this.dayEnds = nextLocalMidnight(this.rules.timeZone, now);
    this.today = history.today;
    if (history.lastSentAt !== null && history.lastSentAt !== this.lastSentAt) this.nextAt = history.lastSentAt + this.gap();
    this.lastSentAt = history.lastSentAt;
  }

  decide(now: number): PaceDecision {
    const r = this.rules;
    this.rollDay(now);
    if (!isOpen(r.window, r.timeZone, now)) return this.wait('window', nextOpen(r.window, r.timeZone, now), now);
    if (r.dailyCap !== null && this.today >= r.dailyCap) return this.wait('daily_cap', this.dayEnds, now);
    if (r.hourlyCap !== null && this.hour.room(r.hourlyCap, now) < 1)
      return this.wait('hourly_cap', now + this.hour.msUntilRoom(r.hourlyCap, now), now);
    if (now < this.nextAt) return this.wait('gap', this.nextAt, now);
    // With a gap or jitter each message is its own dispatch, spaced by its own pause.
    if (r.maxGapMs > 0 || r.jitterMs > 0) return { may: 1, waitMs: 0, reason: null };
    const daily = r.dailyCap === null ? Number.POSITIVE_INFINITY : r.dailyCap - this.today;
    const hourly = r.hourlyCap === null ? Number.POSITIVE_INFINITY : this.hour.room(r.hourlyCap, now);
    return { may: Math.min(daily, hourly), waitMs: 0, reason: null };
  }

  /** `n` messages left at `now`; the next may not leave before a fresh random gap. */
  record(n: number, now: number): void {
    if (n <= 0) return;
    this.rollDay(now);
    this.hour.record(n, now);
    this.today += n;
    this.lastSentAt = now;
    this.nextAt = now + this.gap() + (this.rules.jitterMs > 0 ? Math.round(this.random() * this.rules.jitterMs) : 0);
  }

  /** A claimed message did not go out (rate limited, refused before sending): it does not count. */
  unrecord(now: number): void {
    this.hour.unrecord();
    if (now < this.dayEnds && this.today > 0) this.today--;
  }

  get sentToday(): number {
    return this.today;
  }

  private gap(): number {
    return drawGap(this.random, this.rules.minGapMs, this.rules.maxGapMs);
  }

  private rollDay(now: number): void {
    if (now < this.dayEnds) return;
    this.today = 0;
    this.dayEnds = nextLocalMidnight(this.rules.timeZone, now);
  }

  private wait(reason: PaceReason, until: number, now: number): PaceDecision {
    return { may: 0, waitMs: Math.max(1, until - now), reason, opensAt: until };
  }
}
