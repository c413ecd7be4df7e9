/** Refused or missing lookups in a row after which the gateway is taken to have no status lookup. */
export const LOOKUP_REFUSALS_TO_GIVE_UP = 5;
/** How often an unavailable lookup is tried again. */
export const LOOKUP_REPROBE_MS = 60 * 60_000;

/**
 * Whether status lookups work, judged from their answers in order: a run of refusals (200
 * success:false, 404, an answer without a status) marks lookups unavailable; any status read marks
 * them available. Network errors and 5xx say nothing about the endpoint and leave the run as is.
 */
export class LookupStreak {
  #refusals = 0;

  constructor(readonly threshold = LOOKUP_REFUSALS_TO_GIVE_UP) {}

  /** Feeds one answer; returns 'unavailable' the moment the run reaches the threshold. */
  observe(kind: 'status' | 'refused' | 'not_found' | 'rate_limited' | 'error'): 'available' | 'unavailable' | null {
    if (kind === 'status') {
      this.#refusals = 0;
      return 'available';
    }
    if (kind !== 'refused' && kind !== 'not_found') return null;
    this.#refusals++;
    return this.#refusals >= this.threshold ? 'unavailable' : null;
  }

  reset(): void {
    this.#refusals = 0;
  }
}
