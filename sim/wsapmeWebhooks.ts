import type { SimMessage } from './simMessage.ts';

/**
 * The webhook bodies of the real WSAPME dialect (../shared/wsapme-dialect.md), for the simulator:
 * acks in the several shapes a Baileys-based gateway may use, replies from JIDs, and traffic that
 * is not a reply. The shape of each ack is picked from a hash of the message id and its status,
 * so a run depends on the seed alone and every shape turns up in any blast of a few dozen.
 */

const NUMBER: Record<string, number> = { ERROR: 0, PENDING: 1, SERVER_ACK: 2, DELIVERY_ACK: 3, READ_ACK: 4 };
// Names as the gateway spells them: READ for READ_ACK, mostly.
const NAME: Record<string, string[]> = { READ_ACK: ['READ', 'READ_ACK'] };

export interface WireWebhook {
  body: unknown;
  form: boolean;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The digits of the number a message went to, whatever spelling the client used (+60…, 60…, 60…@c.us). */
export const digitsOf = (to: string): string => to.split('@')[0]!.split(':')[0]!.replace(/\D/g, '');

export function wsapmeAck(msg: SimMessage): WireWebhook {
  const h = hash(`${msg.messageId}:${msg.status}`);
  const digits = digitsOf(msg.to);
  const key = { remoteJid: `${digits}@s.whatsapp.net`, fromMe: true, id: msg.messageId };
  const c2s = String(Math.floor(msg.acceptedAt / 1000));
  const names = NAME[msg.status] ?? [msg.status];
  const name = names[h % names.length]!;
  const number = NUMBER[msg.status] ?? 1;
  switch (h % 8) {
    case 0:
      return { body: { messageId: msg.messageId, status: name, messageC2STimestamp: c2s }, form: false };
    case 1:
      return {
        body: { key, message: { extendedTextMessage: { text: msg.text } }, messageTimestamp: c2s, status: name, messageC2STimestamp: c2s },
        form: false,
      };
    case 2:
      return { body: { key, status: number, messageC2STimestamp: c2s }, form: false };
    case 3:
      return { body: { key, update: { status: number } }, form: false };
    case 4:
      // Baileys batches messages.update: a read often comes with its delivery.
      return {
        body:
          number === 4
            ? [
                { key, update: { status: 3 } },
                { key, update: { status: 4 } },
              ]
            : [{ key, update: { status: number } }],
        form: false,
      };
    case 5:
      return { body: { messageId: msg.messageId, status: name, messageC2STimestamp: c2s }, form: true };
    case 6:
      return { body: { key, update: { status: number } }, form: true };
    default:
      return { body: { event: 'messages.update', data: [{ key, status: name }] }, form: false };
  }
}

const DEVICE = { jid: '60100000000@s.whatsapp.net', name: 'wablast simulator', phone: '60100000000', imgUrl: '' };

/** An incoming message as WSAPME documents it: the sender is a JID, in one of its three spellings. */
export function wsapmeInbound(msg: SimMessage, text: string, from?: string, extra: Record<string, unknown> = {}): WireWebhook {
  const digits = digitsOf(msg.to);
  const spellings = [`${digits}@c.us`, `${digits}@s.whatsapp.net`, `${digits}:${(hash(msg.messageId) % 20) + 1}@s.whatsapp.net`];
  return {
    body: {
      type: 'text',
      message: text,
      file: '',
      from: from ?? spellings[hash(`${msg.messageId}:from`) % spellings.length],
      timestamp: Math.floor(Date.now() / 1000),
      is_forwarded: false,
      is_broadcast: false,
      dataSender: '',
      dataReceiver: DEVICE,
      ...extra,
    },
    form: false,
  };
}

/** Traffic from the same person that is not a reply to us: it says STOP, and must change nothing. */
export function wsapmeNoise(msg: SimMessage, pick: number): WireWebhook {
  const digits = digitsOf(msg.to);
  switch (Math.floor(pick * 3)) {
    case 0:
      return wsapmeInbound(msg, 'STOP', `1203630${digits.slice(-8)}@g.us`, { participant: `${digits}@s.whatsapp.net` });
    case 1:
      return wsapmeInbound(msg, 'STOP', 'status@broadcast', { is_broadcast: true, participant: `${digits}@s.whatsapp.net` });
    default:
      return wsapmeInbound(msg, 'STOP', `${digits}@c.us`, { fromMe: true });
  }
}
