/** The error rate is taken over a device's last this-many settled sends (accepted or failed). */
export const HEALTH_WINDOW = 50;
/** Fewer settled sends than this say nothing yet: one refusal of two sends is not a 50 % error rate. */
export const HEALTH_MIN_SENDS = 10;
/** A message sent (accepted by WhatsApp's server) but never delivered for this long: the recipient probably blocked the number. */
export const PROBABLY_BLOCKED_DAYS = 7;

export interface ErrorWindow {
  /** Settled sends counted (at most HEALTH_WINDOW). */
  sends: number;
  /** Of those, how many failed (refused by the gateway, or an ERROR from WhatsApp). */
  errors: number;
}

export interface HealthVerdict {
  /** errors / sends, or null while there are fewer than HEALTH_MIN_SENDS. */
  rate: number | null;
  pause: boolean;
  /** Why it pauses, in words the API and dashboard show. */
  reason: string | null;
}

/**
 * Whether a device's recent sends fail so often that it should stop. WhatsApp restricts numbers
 * whose messages keep failing; stopping at ~20 % keeps a bad list from burning the number. The
 * window restarts when a person resumes the device.
 */
export function healthVerdict(w: ErrorWindow, threshold: number): HealthVerdict {
  if (w.sends < HEALTH_MIN_SENDS) return { rate: null, pause: false, reason: null };
  const rate = w.errors / w.sends;
  if (rate <= threshold) return { rate, pause: false, reason: null };
  return {
    rate,
    pause: true,
    reason: `error rate ${pct(rate)} over the last ${w.sends} sends is above ${pct(threshold)}`,
  };
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;
