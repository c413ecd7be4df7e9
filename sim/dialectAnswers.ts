import type { SimMessage } from './simMessage.ts';
import type { SimOptions } from './simOptions.ts';

/** One HTTP answer of the simulated gateway. */
export interface SimAnswer {
  status: number;
  body: unknown;
}

type Dialect = SimOptions['dialect'];

/** Why a send or lookup is refused: what the gateway's words are, per dialect. */
export type Refusal = 'token' | 'device_offline' | 'invalid_number' | 'not_on_whatsapp' | 'bad_request';

const WORDS: Record<Refusal, string> = {
  token: 'Unauthorised Token',
  device_offline: 'Device is not connected',
  invalid_number: 'invalid number',
  not_on_whatsapp: 'number not on WhatsApp',
  bad_request: 'device, to and message are required',
};

const SEED_STATUS: Record<Refusal, number> = {
  token: 401,
  device_offline: 409,
  invalid_number: 400,
  not_on_whatsapp: 400,
  bad_request: 400,
};

/**
 * The real gateway refuses with HTTP 200 and `success:false` (../shared/wsapme-dialect.md); the
 * seed's wrapper with a 4xx and `{error}`.
 */
export function refusal(dialect: Dialect, why: Refusal): SimAnswer {
  if (dialect === 'wsapme') return { status: 200, body: { success: false, message: WORDS[why] } };
  return { status: SEED_STATUS[why], body: { error: why === 'token' ? 'invalid api key' : WORDS[why] } };
}

/** A send the gateway took: WSAPME's Baileys envelope (id at data.key.id) or the seed's flat record. */
export function accepted(dialect: Dialect, msg: SimMessage): SimAnswer {
  const seconds = Math.floor(msg.acceptedAt / 1000);
  if (dialect === 'seed') {
    return {
      status: 200,
      body: { messageId: msg.messageId, data: { device: msg.device, to: msg.to, status: 'PENDING', timestamp: seconds } },
    };
  }
  return {
    status: 200,
    body: {
      success: true,
      message: 'Sent Successfully',
      data: {
        key: { remoteJid: jidOf(msg.to), fromMe: true, id: msg.messageId },
        message: { extendedTextMessage: { text: msg.text } },
        messageTimestamp: String(seconds),
        status: 'PENDING',
      },
    },
  };
}

// Baileys' own names; READ_ACK is what the seed says for READ.
const BAILEYS_NAME: Record<string, string> = { READ_ACK: 'READ' };

/** A status lookup's answer for a known message, or for one the gateway does not know. */
export function statusAnswer(dialect: Dialect, msg: SimMessage | undefined, messageId: string): SimAnswer {
  if (dialect === 'seed') {
    if (msg === undefined) return { status: 404, body: { error: 'message not found' } };
    return {
      status: 200,
      body: { messageId, status: msg.status, messageC2STimestamp: Math.floor(msg.acceptedAt / 1000), device: msg.device, to: msg.to },
    };
  }
  if (msg === undefined) return { status: 200, body: { success: false, message: 'Message not found', data: {} } };
  return {
    status: 200,
    body: {
      success: true,
      message: 'Success',
      data: {
        key: { remoteJid: jidOf(msg.to), fromMe: true, id: messageId },
        status: BAILEYS_NAME[msg.status] ?? msg.status,
        messageTimestamp: String(Math.floor(msg.acceptedAt / 1000)),
        messageC2STimestamp: String(Math.floor(msg.acceptedAt / 1000)),
      },
    },
  };
}

/** What the seen messageInfo endpoint answered to every lookup. */
export const LOOKUP_REFUSED: SimAnswer = { status: 200, body: { success: false, message: 'messageInfo ', data: {} } };

function jidOf(to: string): string {
  return to.includes('@') ? to : `${to.replace(/\D/g, '')}@s.whatsapp.net`;
}

/**
 * `to` as WSAPME takes it: `+60…`, bare digits or `<digits>@c.us` are one phone (`+<digits>`, how
 * the tally counts it); a group JID is kept as it is.
 */
export function canonicalRecipient(to: string): string {
  const trimmed = to.trim();
  const person = /^\+?([\d\s-]+)(@c\.us|@s\.whatsapp\.net)?$/.exec(trimmed);
  return person ? `+${person[1]!.replace(/\D/g, '')}` : trimmed;
}
