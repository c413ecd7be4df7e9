/**
 * Per-device counters over wall-clock one-second windows: the simulator's rate limit. It also
 * remembers the busiest window per device, and the busiest sliding second, so tests can check
 * that the engine's pacing really held.
 */
export class DeviceWindows {
  readonly #current = new Map<string, { second: number; count: number }>();
  readonly #peak = new Map<string, number>();
  readonly #recent = new Map<string, number[]>();
  readonly #slidingPeak = new Map<string, number>();

  /** ms until the device may be served again, or 0 when it may be served now. */
  waitMs(device: string, limit: number, nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    const w = this.#current.get(device);
    if (w === undefined || w.second !== second || w.count < limit) return 0;
    return (second + 1) * 1000 - nowMs;
  }

  record(device: string, nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const w = this.#current.get(device);
    const count = w !== undefined && w.second === second ? w.count + 1 : 1;
    this.#current.set(device, { second, count });
    this.#peak.set(device, Math.max(this.#peak.get(device) ?? 0, count));

    const recent = (this.#recent.get(device) ?? []).filter((t) => t > nowMs - 1000);
    recent.push(nowMs);
    this.#recent.set(device, recent);
    this.#slidingPeak.set(device, Math.max(this.#slidingPeak.get(device) ?? 0, recent.length));
  }

  peaks(): Record<string, number> {
    return Object.fromEntries(this.#peak);
  }

  slidingPeaks(): Record<string, number> {
    return Object.fromEntries(this.#slidingPeak);
  }

  reset(): void {
    this.#current.clear();
    this.#peak.clear();
    this.#recent.clear();
    this.#slidingPeak.clear();
  }
}
