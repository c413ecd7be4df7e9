/** Per-number refusals in a row, across different numbers, that prove the device is the problem. */
export const BREAKER_THRESHOLD = 5;

/**
 * The circuit breaker on per-number refusals. One invalid number is that number's problem; a run
 * of refusals across `threshold` DIFFERENT numbers with no accepted send between them says the
 * device (or the gateway) refuses everything, so the run is requeued and the device held instead
 * of failing the rest of the blast. The same number refused twice counts once.
 */
export class RefusalBreaker {
  readonly #run = new Set<string>();

  constructor(readonly threshold = BREAKER_THRESHOLD) {}

  /** A per-number refusal; true when the run now trips the breaker. */
  refused(phone: string): boolean {
    this.#run.add(phone);
    return this.#run.size >= this.threshold;
  }

  /** An accepted send ends the run: the device works, the refusals were the numbers'. */
  accepted(): void {
    this.#run.clear();
  }

  reset(): void {
    this.#run.clear();
  }

  get length(): number {
    return this.#run.size;
  }
}
