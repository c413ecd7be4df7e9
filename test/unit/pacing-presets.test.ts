import { describe, expect, it } from 'vitest';
import { describeEta, describePlan, describeWaiting } from '../../src/domain/describePacing.ts';
import { drawGap, meanGap, seededRandom } from '../../src/domain/gapDistribution.ts';
import { Pacer } from '../../src/domain/pacer.ts';
import { estimateFinish } from '../../src/domain/pacingEta.ts';
import { type PacingDefaults, type PacingPreset, type PacingSettings, resolvePacing } from '../../src/domain/pacingRules.ts';
import { type SendWindow, isOpen, localDay, nextClose, nextOpen, parseSendWindow } from '../../src/domain/sendWindow.ts';
import { type WarmUpHistory, nextWarmSince, warmUpDailyCap, warmUpDay } from '../../src/domain/warmUp.ts';

const KL = 'Asia/Kuala_Lumpur';
const HOUR = 3_600_000;
/** Monday 2026-11-30 00:00 in Kuala Lumpur (UTC+8). */
const MON = Date.UTC(2026, 10, 29, 16, 0);
const at = (day: number, h: number, m = 0) => MON + day * 24 * HOUR + h * HOUR + m * 60_000;

/** The window a valid spec parses to; the test fails here if it does not parse. */
function windowOf(spec: string): SendWindow {
  const parsed = parseSendWindow(spec);
  if (!parsed.ok) throw new Error(`${spec}: ${parsed.reason}`);
  return parsed.window;
}

const DEFAULTS: PacingDefaults = {
  preset: 'safe',
  rate: 1,
  burst: 1,
  jitterMs: 0,
  minGapMs: null,
  maxGapMs: null,
  hourlyCap: null,
  dailyCap: null,
  window: null,
  timeZone: KL,
};
const NONE: PacingSettings = {
  preset: null,
  rate: null,
  burst: null,
  jitterMs: null,
  minGapMs: null,
  maxGapMs: null,
  hourlyCap: null,
  dailyCap: null,
  window: null,
  timeZone: null,
};
const NEW_NUMBER: WarmUpHistory = { inUseSince: null, warmSince: null, lastSentAt: null };
const rules = (preset: PacingPreset, now = MON, device: Partial<PacingSettings> = {}, history = NEW_NUMBER) =>
  resolvePacing({ ...NONE, ...device }, DEFAULTS, preset, history, now);

/** Runs a Pacer with an endless queue from `from` to `to` on an injected clock; returns the send times. */
function simulate(pacer: Pacer, from: number, to: number): number[] {
  const sent: number[] = [];
  for (let t = from; t < to; ) {
    const d = pacer.decide(t);
    if (d.may > 0) {
      pacer.record(1, t);
      sent.push(t);
      t += 50; // a send's round trip
    } else {
      t += d.waitMs;
    }
  }
  return sent;
}

const maxInSlidingHour = (times: number[]) => {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - HOUR) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};
const perLocalDay = (times: number[]) =>
  times.reduce((m, t) => m.set(localDay(KL, t), (m.get(localDay(KL, t)) ?? 0) + 1), new Map<string, number>());

describe('send window', () => {
  it('reads weekdays and hours, several ranges, and always', () => {
    const w = parseSendWindow('Mon-Sat 09:00-20:00');
    expect(w).toMatchObject({ ok: true, window: { text: 'Mon–Sat 09:00–20:00' } });
    const two = parseSendWindow('mon-fri 09:00-18:00, sat 10:00-14:00');
    expect(two.ok && two.window.text).toBe('Mon–Fri 09:00–18:00, Sat 10:00–14:00');
    expect(parseSendWindow('always')).toMatchObject({ ok: true, window: { always: true } });
    expect(parseSendWindow('fri-mon 08:00-24:00')).toMatchObject({ ok: true });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(parseSendWindow('weekdays')).toMatchObject({ ok: false, reason: expect.stringContaining('cannot read') });
    expect(parseSendWindow('mon-sat 20:00-09:00')).toMatchObject({ ok: false, reason: expect.stringContaining('after the start') });
    expect(parseSendWindow('mon-xyz 09:00-10:00')).toMatchObject({ ok: false, reason: expect.stringContaining('days are') });
    expect(parseSendWindow('mon 09:75-10:00')).toMatchObject({ ok: false });
    expect(parseSendWindow('')).toMatchObject({ ok: false });
  });

  it('is open inside the hours of its days only, in its own time zone', () => {
    const w = windowOf('mon-sat 09:00-20:00');
    expect(isOpen(w, KL, at(0, 8, 59))).toBe(false);
    expect(isOpen(w, KL, at(0, 9))).toBe(true);
    expect(isOpen(w, KL, at(0, 19, 59))).toBe(true);
    expect(isOpen(w, KL, at(0, 20))).toBe(false);
    expect(isOpen(w, KL, at(6, 12))).toBe(false); // Sunday
    expect(nextOpen(w, KL, at(0, 7))).toBe(at(0, 9));
    expect(nextOpen(w, KL, at(0, 12))).toBe(at(0, 12));
    expect(nextOpen(w, KL, at(5, 21))).toBe(at(7, 9)); // Saturday night → Monday 09:00
    expect(nextClose(w, KL, at(0, 12))).toBe(at(0, 20));
    // The same instant in another zone: 09:00 in KL is 01:00 UTC.
    expect(isOpen(w, 'UTC', at(0, 9))).toBe(false);
    expect(nextOpen(w, 'UTC', at(0, 9))).toBe(at(0, 17));
  });

  it('finds the next opening across a DST change (Europe/London, last Sunday of March)', () => {
    const w = windowOf('daily 09:00-10:00');
    const saturday = Date.UTC(2026, 2, 28, 12);
    expect(new Date(nextOpen(w, 'Europe/London', saturday)).toISOString()).toBe('2026-03-29T08:00:00.000Z');
  });
});

describe('gaps', () => {
  it('are random, never below the minimum nor above the maximum, and not uniform', () => {
    const random = seededRandom(7);
    const gaps = Array.from({ length: 5000 }, () => drawGap(random, 10_000, 30_000));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
    const mean = gaps.reduce((a, b) => a + b) / gaps.length;
    expect(Math.abs(mean - meanGap(10_000, 30_000)) / mean).toBeLessThan(0.02);
    const below = gaps.filter((g) => g < 20_000).length / gaps.length;
    expect(below).toBeGreaterThan(0.65); // a uniform draw would put half below the middle
    expect(new Set(gaps).size).toBeGreaterThan(3000);
  });

  it('are the same sequence for the same seed', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    expect(Array.from({ length: 5 }, () => drawGap(a, 1, 100))).toEqual(Array.from({ length: 5 }, () => drawGap(b, 1, 100)));
  });
});

describe('a whole day of safe, in milliseconds', () => {
  const r = rules('safe');
  const sent = simulate(new Pacer(r, seededRandom(42)), MON, at(1, 0));

  it('sends only Monday 09:00–20:00, never two within 10 s', () => {
    expect(sent.length).toBeGreaterThan(0);
    expect(Math.min(...sent)).toBeGreaterThanOrEqual(at(0, 9));
    expect(Math.max(...sent)).toBeLessThan(at(0, 20));
    const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10_000);
  });

  it('keeps 80 in any sliding hour and 400 in the local day, and reaches them', () => {
    expect(maxInSlidingHour(sent)).toBe(80);
    expect(sent.length).toBe(400);
  });

  it('finishes when the ETA said, within 10 %', () => {
    const eta = estimateFinish(400, r, { lastHour: [], today: 0, lastSentAt: null }, MON);
    expect(eta.waitingForWindow).toBe(true);
    expect(eta.windowOpensAt).toBe(at(0, 9));
    expect(eta.slowedBy).toBe('window');
    const real = sent[sent.length - 1]! - MON;
    expect(Math.abs(eta.finishesAt! - MON - real) / real).toBeLessThan(0.1);
  });

  it('carries over to the next open day once the daily cap is reached', () => {
    const eta = estimateFinish(500, r, { lastHour: [], today: 0, lastSentAt: null }, at(0, 9));
    expect(eta.finishesAt!).toBeGreaterThan(at(1, 9));
    expect(eta.finishesAt!).toBeLessThan(at(1, 12));
    expect(['daily_cap', 'window']).toContain(eta.slowedBy);
  });
});

describe('fast', () => {
  it('is as fast as the gateway allows at any hour, bounded only by caps that are set', () => {
    const r = rules('fast');
    expect(r.window.always).toBe(true);
    const pacer = new Pacer(r, seededRandom(1));
    expect(pacer.decide(at(6, 3))).toEqual({ may: Number.POSITIVE_INFINITY, waitMs: 0, reason: null });
    const capped = new Pacer(rules('fast', MON, { dailyCap: 3 }), seededRandom(1));
    expect(capped.decide(MON).may).toBe(3);
    capped.record(3, MON);
    expect(capped.decide(MON + 1000)).toMatchObject({ may: 0, reason: 'daily_cap', opensAt: at(1, 0) });
    capped.unrecord(MON + 1000); // a 429: that one was not sent
    expect(capped.decide(MON + 2000).may).toBe(1);
  });

  it('ETA: 10,000 at 50 a second is 200 s', () => {
    const r = rules('fast', MON, { rate: 50 });
    const eta = estimateFinish(10_000, r, { lastHour: [], today: 0, lastSentAt: null }, MON);
    expect(Math.round((eta.finishesAt! - MON) / 1000)).toBe(200);
    expect(eta.slowedBy).toBeNull();
  });
});

describe('warm-up', () => {
  it('grows the daily cap 20, 36, 65, 117, 210, 378, 680', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(warmUpDailyCap)).toEqual([20, 36, 65, 117, 210, 378, 680]);
    expect(warmUpDailyCap(30)).toBe(1_500);
  });

  it('a simulated week sends each day its cap, with fresh-number gaps, re-reading its day each morning', () => {
    const random = seededRandom(3);
    let history = { inUseSince: null as number | null, warmSince: null as number | null, lastSentAt: null as number | null };
    const pacer = new Pacer(rules('warm-up'), random);
    const all: number[] = [];
    for (let day = 0; day < 7; day++) {
      pacer.configure(rules('warm-up', at(day, 0), {}, history), at(day, 0));
      const sent = simulate(pacer, at(day, 0), at(day + 1, 0));
      for (const t of sent) history = { ...history, warmSince: nextWarmSince(history.warmSince, history.lastSentAt, t), lastSentAt: t };
      all.push(...sent);
    }
    // Sunday is outside the default window: the seventh calendar day sends nothing.
    expect([...perLocalDay(all).values()]).toEqual([20, 36, 65, 117, 210, 378]);
    const gaps = all.slice(1).map((t, i) => t - all[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(30_000);
    expect(maxInSlidingHour(all)).toBeLessThanOrEqual(80);
  });

  it('starts over after 72 h of silence, unless the number is declared in use', () => {
    const history = { inUseSince: null, warmSince: at(0, 10), lastSentAt: at(3, 10) };
    expect(warmUpDay(history, KL, at(5, 10))).toBe(6);
    expect(warmUpDay(history, KL, at(6, 11))).toBe(1); // 73 h after the last send
    expect(nextWarmSince(at(0, 10), at(3, 10), at(6, 11))).toBe(at(6, 11));
    expect(warmUpDay({ ...history, inUseSince: at(-30, 0) }, KL, at(6, 11))).toBe(37);
  });
});

describe('custom and the combination of settings', () => {
  it('custom takes every knob; a device cap tightens a preset but never loosens it', () => {
    const c = rules('custom', MON, {
      minGapMs: 2000,
      maxGapMs: 5000,
      hourlyCap: 100,
      dailyCap: 300,
      jitterMs: 500,
      window: 'mon-fri 09:00-18:00, sat 10:00-14:00',
    });
    expect(c).toMatchObject({ minGapMs: 2000, maxGapMs: 5000, hourlyCap: 100, dailyCap: 300, jitterMs: 500 });
    expect(c.window.text).toBe('Mon–Fri 09:00–18:00, Sat 10:00–14:00');
    expect(rules('safe', MON, { dailyCap: 50 }).dailyCap).toBe(50);
    expect(rules('safe', MON, { dailyCap: 5000 }).dailyCap).toBe(400);
    expect(resolvePacing({ ...NONE, preset: 'fast' }, DEFAULTS, null, NEW_NUMBER, MON).preset).toBe('fast');
    expect(resolvePacing({ ...NONE, preset: 'fast' }, DEFAULTS, 'safe', NEW_NUMBER, MON).preset).toBe('safe');
  });
});

describe('in words', () => {
  it('describes the plan', () => {
    expect(describePlan(rules('safe'))).toBe(
      'safe: one message every 10–30 s, at most 80 an hour and 400 a day, Mon–Sat 09:00–20:00 Asia/Kuala_Lumpur',
    );
    expect(describePlan(rules('fast', MON, { rate: 20, burst: 5 }))).toBe(
      'fast: as fast as the gateway allows (20 a second, bursts of 5), any time',
    );
    expect(describePlan(rules('warm-up'))).toBe(
      'warm-up (day 1): one message every 30–60 s, at most 80 an hour and 20 a day, Mon–Sat 09:00–20:00 Asia/Kuala_Lumpur',
    );
  });

  it('describes the ETA and the wait', () => {
    const now = at(0, 18);
    expect(
      describeEta({ finishesAt: now + 4 * HOUR + 10 * 60_000, slowedBy: null, waitingForWindow: false, windowOpensAt: null }, now, KL),
    ).toBe('≈ 4 h 10 m, finishes today 22:10');
    expect(describeEta({ finishesAt: at(1, 10, 40), slowedBy: 'window', waitingForWindow: false, windowOpensAt: null }, now, KL)).toBe(
      '≈ 16 h 40 m, finishes tomorrow 10:40 because of the send window',
    );
    expect(describeEta({ finishesAt: at(3, 9, 5), slowedBy: 'daily_cap', waitingForWindow: false, windowOpensAt: null }, now, KL)).toBe(
      '≈ 2 d 15 h, finishes Thu 3 Dec 09:05 because of the daily cap',
    );
    expect(describeWaiting(at(0, 9), at(0, 7), KL)).toBe('waiting for the send window (opens 09:00)');
    expect(describeWaiting(at(7, 9), at(5, 21), KL)).toBe('waiting for the send window (opens Mon 7 Dec 09:00)');
  });
});
