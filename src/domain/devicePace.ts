import { Aimd } from './aimd.ts';
import { type PaceDecision, Pacer, type SendHistory } from './pacer.ts';
import type { PacingRules } from './pacingRules.ts';
import { SlidingWindow } from './slidingWindow.ts';
import { TokenBucket, bucketCapacity } from './tokenBucket.ts';

/** The dispatch slice at high rates: 500/s goes out as ten messages every 20 ms (domain/tokenBucket). */
const SLICE_MS = 20;
/** Waits longer than this (a cap, a shut window) give the device back rather than hold it idle. */
export const GIVE_BACK_AFTER_MS = 60_000;
/** An isolated 429 storm only pauses; a second within 10 s halves the rate (domain/aimd). */
const AIMD = { step: 0.05, min: 0.02, cooldownMs: 1000, forgiveMs: 10_000 };

/** How many the gateway's limit lets go now, or how long until one more may. */
export type GatewayRoom = { tokens: number; waitMs: 0; rate: number } | { tokens: 0; waitMs: number; rate: number };

/**
 * Every pacing decision of one device, on an injected clock (ms) and random source, no I/O: the
 * careful pace (domain/pacer: window, caps, random gap) and the gateway's limit (the token bucket
 * at the configured rate times AIMD, trimmed so no one-second span holds more than max(rate,
 * burst), and the pause a 429's Retry-After asks for). The DeviceSender asks it before each claim
 * and tells it what was claimed and what came back.
 */
export class DevicePace {
  private readonly bucket: TokenBucket;
  /** Caps the bucket's bursts: never more than max(rate, burst) in any one-second span (domain/slidingWindow). */
  private readonly lastSecond = new SlidingWindow(1000);
  private readonly aimd: Aimd;
  private readonly pacer: Pacer;
  private pausedUntil = 0;

  constructor(
    private current: PacingRules,
    random: () => number,
    now: number,
  ) {
    this.bucket = new TokenBucket(current.rate, 1, now);
    this.aimd = new Aimd(now, AIMD);
    this.pacer = new Pacer(current, random);
  }

  get rules(): PacingRules {
    return this.current;
  }

  /** New rules (settings changed, a blast with another preset is next, a warm-up day passed). */
  configure(rules: PacingRules, now: number): void {
    this.current = rules;
    this.pacer.configure(rules, now);
  }

  /**
   * A new lease turn: the bucket starts empty (the previous holder may have just spent its burst),
   * and the caps and the gap start from what the device sent, whoever sent it.
   */
  startTurn(history: SendHistory, now: number): void {
    this.bucket.drain(now);
    this.pacer.load(history, now);
  }

  /** The careful pace: how many may go now, or how long until the window opens, a cap frees or the gap ends. */
  careful(now: number): PaceDecision {
    return this.pacer.decide(now);
  }

  /** Whether a wait this long gives the lease back: another engine may take the device meanwhile, and will wait the same. */
  static givesBack(waitMs: number): boolean {
    return waitMs > GIVE_BACK_AFTER_MS;
  }

  /** The gateway's side: paused after a 429, or the tokens the bucket and the one-second window both allow. */
  gatewayRoom(now: number): GatewayRoom {
    if (now < this.pausedUntil) return { tokens: 0, waitMs: this.pausedUntil - now, rate: this.current.rate };
    const rate = this.current.rate * this.aimd.current(now);
    this.bucket.reconfigure(rate, bucketCapacity(rate, this.current.burst, SLICE_MS), now);
    // A burst the operator asked for may still leave at once; beyond it, no more than the rate in any second.
    const perSecond = Math.max(1, Math.ceil(rate), this.current.burst);
    const tokens = Math.min(this.bucket.available(now), this.lastSecond.room(perSecond, now));
    if (tokens >= 1) return { tokens, waitMs: 0, rate };
    return { tokens: 0, waitMs: Math.max(this.bucket.msUntilNext(now), this.lastSecond.msUntilRoom(perSecond, now)), rate };
  }

  /** Counts claimed messages against every limit at once. */
  spend(n: number, now: number): void {
    this.bucket.take(n, now);
    this.lastSecond.record(n, now);
    this.pacer.record(n, now);
  }

  /** A claimed message did not go out (refused, proved unsent, requeued): it does not count against the caps. */
  notSent(now: number): void {
    this.pacer.unrecord(now);
  }

  /** The gateway said slow down: nothing more until its Retry-After, from an empty bucket, and AIMD may cut the rate. */
  rateLimited(retryAfterMs: number, now: number): void {
    this.aimd.onRateLimited(now);
    this.bucket.drain(now);
    this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.notSent(now);
  }
}
