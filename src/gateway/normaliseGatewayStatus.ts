/**
 * The statuses wablast understands, in WSAPME's own spelling. Gateways built on WhatsApp Web
 * report the same ack under several names, so anything recognisable is folded into one of these;
 * anything else is passed through uppercased so the caller can log it and ignore it.
 */
export const KNOWN_GATEWAY_STATUSES = [
  'PENDING',
  'SERVER_ACK',
  'DELIVERY_ACK',
  'READ_ACK',
  'ERROR',
] as const;

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

export function normaliseGatewayStatus(raw: unknown): string {
  const text = String(raw ?? '')
    .trim()
    .toUpperCase();
  return ALIASES[text.replace(/[\s-]+/g, '_')] ?? text;
}
