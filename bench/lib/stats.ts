/** The value below which a fraction `q` of `xs` falls (nearest rank; NaN for none). */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** The middle value (the upper one of an even count): what a benchmark reports of its samples. */
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
