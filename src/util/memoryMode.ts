import { setFlagsFromString } from 'node:v8';

export type MemoryMode = 'lean' | 'fast';

/**
 * MEMORY_MODE=lean (the default) asks V8 to favour a small heap over peak JavaScript speed. Without
 * it V8 lets the heap grow to three or four times the live data during a burst (an upload of
 * 100,000 rows, 500 sends a second) and the process keeps those pages. The trade, measured back
 * to back on one machine (BENCHMARKS.md): peak RSS after send_rate and a 100,000-row upload
 * 142 MB lean against 207–211 MB fast; send rate and upload time unchanged within noise; webhook
 * ingest costs about twice the CPU per event (≈ 2,700 events/s lean against ≈ 4,400 fast), still
 * more than the 1,500–2,000 a second that sending at the gateway's 500 messages a second brings
 * back. So lean suits the usual deployment, a small machine; `fast` suits a large one ingesting
 * heavy webhook traffic. Set once at start-up, before the heap grows: the flag is V8's heap and
 * compiler policy, which it reads as it goes.
 */
export function applyMemoryMode(mode: MemoryMode): void {
  if (mode === 'lean') setFlagsFromString('--optimize-for-size');
}
