/**
 * The statuses wablast understands, in WSAPME's own spelling. Gateways built on WhatsApp Web
 * report the same ack under several names, and Baileys (which WSAPME is built on) by number, so
 * anything recognisable is folded into one of these; anything else is passed through uppercased
 * so the caller can keep it and say it was not understood.
 */
export const KNOWN_GATEWAY_STATUSES = ['PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ_ACK', 'ERROR'] as const;

export type KnownGatewayStatus = (typeof KNOWN_GATEWAY_STATUSES)[number];

const ALIASES: Record<string, KnownGatewayStatus> = {
  PENDING: 'PENDING',
  SERVER_ACK: 'SERVER_ACK',
  SERVER: 'SERVER_ACK',
  SENT: 'SERVER_ACK',
  DELIVERY_ACK: 'DELIVERY_ACK',
  DELIVERED: 'DELIVERY_ACK',
  READ_ACK: 'READ_ACK',
  READ: 'READ_ACK',
  // A voice note that was listened to is at least read.
  PLAYED: 'READ_ACK',
  PLAYED_ACK: 'READ_ACK',
  ERROR: 'ERROR',
  FAILED: 'ERROR',
};

/** Baileys' WebMessageInfo.Status enum: the gateway may send the number instead of the name. */
const BAILEYS_NUMBERS: readonly KnownGatewayStatus[] = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ_ACK', 'READ_ACK'];

/**
 * The gateway's status in one spelling. '' when `raw` is not a status at all: missing, a boolean
 * (`/v1/messageInfo` answers `"status": true` about the account), an object or an array.
 */
export function normaliseGatewayStatus(raw: unknown): string {
  if (typeof raw === 'number') return Number.isFinite(raw) ? (BAILEYS_NUMBERS[raw] ?? String(raw)) : '';
  if (typeof raw !== 'string') return '';
  const text = raw.trim().toUpperCase();
  if (/^\d+$/.test(text)) return BAILEYS_NUMBERS[Number(text)] ?? text;
  return ALIASES[text.replace(/[\s-]+/g, '_')] ?? text;
}
