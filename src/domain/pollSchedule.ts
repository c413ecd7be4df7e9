/**
 * When to ask the gateway about a message that has not advanced, as offsets after sent_at.
 * Most messages are delivered within seconds and read within hours; a message unread after a day
 * is left to webhooks and replies. Seven calls at most per message, against the seed's one every
 * 10 s (17,280 a day).
 */
export const POLL_OFFSETS_S = [10, 30, 120, 600, 3600, 6 * 3600, 24 * 3600] as const;

/** Seconds after sent_at of poll number `pollCount` (0-based), or null when polling is over. */
export function pollOffsetS(pollCount: number): number | null {
  return POLL_OFFSETS_S[pollCount] ?? null;
}
