import { describe, expect, it } from 'vitest';
import { Aimd } from '../../src/domain/aimd.ts';
import { backoffMs } from '../../src/domain/backoff.ts';
import { SlidingWindow } from '../../src/domain/slidingWindow.ts';
import { TokenBucket, bucketCapacity } from '../../src/domain/tokenBucket.ts';

describe('token bucket (injected clock)', () => {
  it('starts full, spends, and refills at the rate up to capacity', () => {
    const b = new TokenBucket(10, 5, 0);
    expect(b.available(0)).toBe(5);
    expect(b.take(3, 0)).toBe(3);
    expect(b.take(5, 0)).toBe(2); // only what is there
    expect(b.available(0)).toBe(0);
    expect(b.msUntilNext(0)).toBe(100);
    expect(b.available(99)).toBe(0);
    expect(b.available(100)).toBe(1);
    expect(b.available(10_000)).toBe(5); // never beyond capacity
  });

  it('sends exactly rate × seconds over a long run, whatever the polling pattern', () => {
    // Capacity 2: a poll never finds more than one slice of accrual on top of a fraction, so nothing is clipped.
    const b = new TokenBucket(7, 2, 0);
    b.take(2, 0);
    let sent = 0;
    for (let t = 0; t <= 10_000; t += 10) sent += b.take(100, t);
    for (let t = 10_000; t <= 20_000; t += 13) sent += b.take(100, t);
    expect(sent).toBe(70 + 69); // 9,997 ms more at 7/s: 69.98 tokens, 69 whole ones
  });

  it('drain empties it; reconfigure keeps what accumulated up to the new capacity', () => {
    const b = new TokenBucket(100, 50, 0);
    b.drain(0);
    expect(b.available(0)).toBe(0);
    expect(b.available(100)).toBe(10);
    b.reconfigure(10, 4, 100);
    expect(b.available(100)).toBe(4);
    expect(b.available(200)).toBe(4);
  });

  it('capacity covers one dispatch slice at high rates, and the burst otherwise', () => {
    expect(bucketCapacity(500, 1, 20)).toBe(10);
    expect(bucketCapacity(1, 3, 20)).toBe(3);
    expect(bucketCapacity(1, 1, 20)).toBe(1);
  });
});

describe('AIMD', () => {
  it('halves on a 429, once per cooldown, and climbs back linearly', () => {
    const a = new Aimd(0, { step: 0.1, min: 0.05, cooldownMs: 1000 });
    expect(a.current(0)).toBe(1);
    a.onRateLimited(0);
    a.onRateLimited(500); // the same storm: counts once
    expect(a.current(0)).toBe(0.5);
    expect(a.current(2000)).toBeCloseTo(0.7, 10);
    a.onRateLimited(2000);
    expect(a.current(2000)).toBeCloseTo(0.35, 10);
    expect(a.current(100_000)).toBe(1); // never above the configured rate
  });

  it('never goes below its floor', () => {
    const a = new Aimd(0, { step: 0.1, min: 0.05, cooldownMs: 0 });
    for (let i = 0; i < 50; i++) a.onRateLimited(i);
    expect(a.current(49)).toBe(0.05);
  });
});

describe('backoff', () => {
  it('grows exponentially with full jitter inside [ceiling/2, ceiling], capped', () => {
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(1, () => 1)).toBe(1000);
    expect(backoffMs(3, () => 1)).toBe(4000);
    expect(backoffMs(3, () => 0)).toBe(2000);
    expect(backoffMs(20, () => 1)).toBe(60_000);
  });
});

describe('AIMD forgiveness', () => {
  it('forgives an isolated 429 storm and cuts on a second one within forgiveMs', () => {
    const a = new Aimd(0, { step: 0.1, min: 0.05, cooldownMs: 1000, forgiveMs: 10_000 });
    a.onRateLimited(0);
    a.onRateLimited(500); // the same storm
    expect(a.current(500)).toBe(1);
    a.onRateLimited(5_000); // a second storm 5 s later: the gateway really is slower
    expect(a.current(5_000)).toBe(0.5);
    a.onRateLimited(30_000); // isolated again after climbing back
    expect(a.current(30_000)).toBe(1);
  });
});

describe('sliding one-second window', () => {
  it('allows at most `limit` in any window and says when the next one fits', () => {
    const w = new SlidingWindow(1000);
    expect(w.room(3, 0)).toBe(3);
    w.record(2, 0);
    w.record(1, 400);
    expect(w.room(3, 400)).toBe(0);
    expect(w.msUntilRoom(3, 400)).toBe(601); // the two at t=0 leave the window after 1000 ms
    expect(w.room(3, 1000)).toBe(2);
    expect(w.room(3, 1400)).toBe(3);
  });

  it('never lets more than the limit into any one-second span over a long run', () => {
    const w = new SlidingWindow(1000);
    const sent: number[] = [];
    for (let t = 0; t < 10_000; t += 7) {
      const k = w.room(50, t);
      w.record(k, t);
      for (let i = 0; i < k; i++) sent.push(t);
    }
    let worst = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[i]! - sent[j]! >= 1000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBe(50);
    expect(sent.length).toBeGreaterThanOrEqual(490); // and it still sends at the limit
  });
});
