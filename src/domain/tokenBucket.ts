/**
 * A token bucket on an injected clock (milliseconds). Pure state, no timers: the sender asks how
 * many messages it may dispatch now and how long to wait for the next one.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private rate: number,
    private capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Changes the rate (AIMD, device settings) without losing what has accumulated. */
  reconfigure(rate: number, capacity: number, now: number): void {
    this.refill(now);
    this.rate = rate;
    this.capacity = capacity;
    this.tokens = Math.min(this.tokens, capacity);
  }

  /** Whole tokens available now. */
  available(now: number): number {
    this.refill(now);
    return whole(this.tokens);
  }

  /** Spends up to n tokens; returns how many were spent. */
  take(n: number, now: number): number {
    this.refill(now);
    const k = Math.max(0, Math.min(n, whole(this.tokens)));
    this.tokens -= k;
    return k;
  }

  /** Empties the bucket: after a 429 nothing may go out until it refills from zero. */
  drain(now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.tokens, 0);
  }

  /** Milliseconds until one whole token is available (0 when one is). */
  msUntilNext(now: number): number {
    this.refill(now);
    if (whole(this.tokens) >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.rate);
  }
}

/**
 * The bucket's capacity for a device: at least `burst`, and at high rates enough for one
 * dispatch slice, so 500/s goes out as ten messages every 20 ms rather than one timer per message.
 * The per-second rate is unchanged; only the spacing inside a slice is coarser.
 */
export function bucketCapacity(rate: number, burst: number, sliceMs: number): number {
  return Math.max(burst, Math.floor((rate * sliceMs) / 1000));
}

/** Whole tokens, forgiving the float error that summing many small refills leaves behind. */
const whole = (tokens: number) => Math.floor(tokens + 1e-9);
