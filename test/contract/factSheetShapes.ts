/**
 * The bodies a WSAPME gateway posts to its webhook, written from ../shared/wsapme-dialect.md alone
 * (never from wablast's code or its simulator): Baileys-style acks keyed by `key.id`, the seed's
 * flat form, form-encoded bodies, and incoming messages whose sender is a JID.
 */

/** How one ack is spelled. The fact sheet lists every one of these as possible. */
export type AckStyle = 'named' | 'numeric' | 'update' | 'documented' | 'flat' | 'form';
export const ACK_STYLES: readonly AckStyle[] = ['named', 'numeric', 'update', 'documented', 'flat', 'form'];

/** Baileys numbering (fact sheet, "Status values"). */
export const BAILEYS = { ERROR: 0, PENDING: 1, SERVER_ACK: 2, DELIVERY_ACK: 3, READ: 4, PLAYED: 5 } as const;

export interface Ack {
  id: string;
  /** Digits of the recipient, as the gateway's remoteJid carries them. */
  digits: string;
  text: string;
  /** Baileys number, 2…5. */
  status: number;
  /** For READ: which of the two names seen in the wild ("READ" or "READ_ACK"). */
  readName?: 'READ' | 'READ_ACK';
  style: AckStyle;
}

export interface Body {
  body: string;
  contentType: string;
}

const secs = () => String(Math.floor(Date.now() / 1000));

function statusName(a: Ack): string {
  switch (a.status) {
    case BAILEYS.SERVER_ACK:
      return 'SERVER_ACK';
    case BAILEYS.DELIVERY_ACK:
      return 'DELIVERY_ACK';
    case BAILEYS.READ:
      return a.readName ?? 'READ';
    case BAILEYS.PLAYED:
      return 'PLAYED';
    default:
      return 'PENDING';
  }
}

/** One ack as a JSON value (every style but 'form', which cannot sit in an array). */
export function ackJson(a: Ack): Record<string, unknown> {
  const key = { remoteJid: `${a.digits}@s.whatsapp.net`, fromMe: true, id: a.id };
  switch (a.style) {
    case 'named':
      return { key, status: statusName(a) };
    case 'numeric':
      return { key, status: a.status };
    case 'update':
      return { key, update: { status: a.status } };
    case 'documented':
      return {
        key,
        message: { extendedTextMessage: { text: a.text } },
        messageTimestamp: secs(),
        status: statusName(a),
        messageC2STimestamp: secs(),
      };
    case 'flat':
    case 'form':
      return { messageId: a.id, status: statusName(a), messageC2STimestamp: secs() };
  }
}

/** A batch of acks as one webhook body: a single object, an array of several, or a form post. */
export function ackBody(acks: Ack[]): Body {
  if (acks.length === 1 && acks[0]!.style === 'form') {
    const flat = ackJson(acks[0]!) as Record<string, string>;
    return { body: new URLSearchParams(flat).toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  const values = acks.map(ackJson);
  return { body: JSON.stringify(values.length === 1 ? values[0] : values), contentType: 'application/json' };
}

/**
 * The event one operator reported: a message event with no status at all. It must be answered and
 * kept, and must change nothing.
 */
export function noStatusBody(a: Pick<Ack, 'id' | 'digits' | 'text'>): Body {
  const key = { remoteJid: `${a.digits}@s.whatsapp.net`, fromMe: true, id: a.id };
  return {
    body: JSON.stringify({ key, message: { extendedTextMessage: { text: a.text } }, messageTimestamp: secs() }),
    contentType: 'application/json',
  };
}

/** Incoming message (fact sheet, documented shape). `from` is a JID: `<digits>@c.us`, a group, `status@broadcast`. */
export function incomingBody(from: string, text: string, receiverDigits: string, form = false): Body {
  const base = {
    type: 'text',
    message: text,
    file: '',
    from,
    timestamp: Math.floor(Date.now() / 1000),
    is_forwarded: false,
    is_broadcast: from === 'status@broadcast',
  };
  if (form) {
    const flat = Object.fromEntries(Object.entries({ ...base, dataSender: '' }).map(([k, v]) => [k, String(v)]));
    return { body: new URLSearchParams(flat).toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  const dataReceiver = { jid: `${receiverDigits}@s.whatsapp.net`, name: 'Kedai Test', phone: receiverDigits, imgUrl: '' };
  return { body: JSON.stringify({ ...base, dataSender: '', dataReceiver }), contentType: 'application/json' };
}

/** The JID spellings of a sender that Baileys and WSAPME use for one phone number. */
export function senderJid(digits: string, form: 'c.us' | 's.whatsapp.net' | 'device'): string {
  if (form === 'c.us') return `${digits}@c.us`;
  if (form === 's.whatsapp.net') return `${digits}@s.whatsapp.net`;
  return `${digits}:12@s.whatsapp.net`;
}
