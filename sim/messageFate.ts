import type { SimOptions } from './simOptions.ts';

/**
 * What will happen to one accepted message, drawn up front so the whole story of a message
 * depends only on the seed and the order of sends, not on timer interleaving. Times are ms after
 * acceptance; null means "never".
 */
export interface MessageFate {
  earlyAck: boolean;
  deliverAt: number;
  delivered: boolean;
  /** For undelivered messages: an ERROR status instead of staying at SERVER_ACK. */
  errorStatus: boolean;
  readAt: number | null;
  replyAt: number | null;
  replyText: string | null;
}

const REPLIES = [
  'Yes, interested!',
  'How much is it?',
  'Tell me more please',
  'ok',
  'Thanks',
  'Can you call me?',
  'Not now, maybe next month',
];

export function drawMessageFate(rng: () => number, o: SimOptions): MessageFate {
  const between = ([min, max]: readonly [number, number]): number => Math.round(min + rng() * Math.max(0, max - min));
  const delivered = rng() < o.deliverProbability;
  const earlyAck = delivered && rng() < o.earlyAckProbability;
  const deliverAt = earlyAck ? 0 : between(o.deliverDelayMs);
  const fate: MessageFate = {
    earlyAck,
    deliverAt,
    delivered,
    errorStatus: !delivered && rng() < o.errorProbability,
    readAt: null,
    replyAt: null,
    replyText: null,
  };
  if (!delivered) return fate;
  if (rng() < o.readProbability) {
    fate.readAt = deliverAt + between(o.readDelayMs);
    if (rng() < o.replyProbability) fate.replyAt = fate.readAt + between(o.replyDelayMs);
  } else if (rng() < o.replyWithoutReadProbability) {
    // Read receipts turned off: the answer arrives, the READ_ACK never does.
    fate.replyAt = deliverAt + between(o.replyDelayMs);
  }
  if (fate.replyAt !== null) {
    const stop = rng() < o.stopProbability;
    fate.replyText = stop ? 'STOP' : (REPLIES[Math.floor(rng() * REPLIES.length)] ?? 'ok');
  }
  return fate;
}
