/**
 * "At most `limit` in any `windowMs`": a per-second rate limit read the strict way, as a gateway
 * that counts per wall-clock second enforces it. A token bucket of rate r and capacity b lets
 * r + b through in some second (full at its start, refilled during it): at SEND_RATE equal to the
 * gateway's limit that is a 429 — and an AIMD halving — every so often (bench send_rate). This
 * trims the bucket's bursts to the limit; it never lowers the average rate.
 *
 * Pure state on an injected clock (ms): the times of the recent events, oldest first.
 */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs = 1000) {}

  /** How many more events may happen at `now` with at most `limit` in the window ending at `now`. */
  room(limit: number, now: number): number {
    this.prune(now);
    return Math.max(0, limit - this.count);
  }

  /** Milliseconds until room(limit) is at least 1 (0 when it is now). */
  msUntilRoom(limit: number, now: number): number {
    this.prune(now);
    if (this.count < limit) return 0;
    // The event that has to leave the window before one more fits.
    const leaving = this.times[this.head + this.count - limit]!;
    return Math.max(1, leaving + this.windowMs - now + 1);
  }

  record(n: number, now: number): void {
    for (let i = 0; i < n; i++) this.times.push(now);
  }

  /** Takes back the latest event (it did not happen after all). */
  unrecord(): void {
    if (this.count > 0) this.times.pop();
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }

  private get count(): number {
    return this.times.length - this.head;
  }

  private prune(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    // Compact now and then, so the array stays about one window long.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
