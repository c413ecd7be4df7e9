/**
 * Delay before retry number `attempt` (1-based): exponential from `baseMs`, capped, with full
 * jitter so a gateway coming back is not hit by every retry at the same instant. `random` is
 * injected so tests are exact.
 */
export function backoffMs(attempt: number, random: () => number, baseMs = 1000, capMs = 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
