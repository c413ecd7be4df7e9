import { setFlagsFromString } from 'node:v8';

export type MemoryMode = 'lean' | 'fast';

/**
 * MEMORY_MODE=lean (the default) asks V8 to favour a small heap over peak JavaScript speed, the
 * right trade for a service that mostly waits on the gateway and the database and often shares a
 * small VPS. Without it V8 lets the heap grow to three or four times the live data during a
 * burst (a 100,000-row upload, 500 sends a second), and the process keeps that memory: the peak
 * RSS of bench rss_peak is ≈ 140 MB lean against ≈ 210 MB fast, at the cost of ≈ 20 % on the
 * CPU-bound part of a large upload (BENCHMARKS.md). Set once at start-up, before the heap grows:
 * the flag changes V8's heap policy (its growing factor and when it compacts), which it reads at
 * each collection.
 */
export function applyMemoryMode(mode: MemoryMode): void {
  if (mode === 'lean') setFlagsFromString('--optimize-for-size');
}
