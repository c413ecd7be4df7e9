/**
 * Every webhook shape in ../shared/wsapme-dialect.md (and the plausible ones around it), as the
 * gateway would send it, with what wablast must make of it. `MID` and `PHONE` stand for a message
 * id and an E.164 number the test fills in; the same fixtures run through the parser (unit) and
 * through the real HTTP endpoint (integration).
 */
export interface WebhookFixture {
  name: string;
  contentType: string;
  body: string;
  /** Per event: 'status:<lattice status>' | 'inbound' | 'ignored' | 'not_understood'. */
  expect: string[];
}

export const MID = '3EB0C0FFEE000001';
export const PHONE_DIGITS = '60133999001';
export const PHONE = `+${PHONE_DIGITS}`;

const json = (name: string, body: unknown, expect: string[]): WebhookFixture => ({
  name,
  contentType: 'application/json',
  body: JSON.stringify(body),
  expect,
});
const form = (name: string, body: string, expect: string[]): WebhookFixture => ({
  name,
  contentType: 'application/x-www-form-urlencoded',
  body,
  expect,
});
const key = { remoteJid: `${PHONE_DIGITS}@s.whatsapp.net`, fromMe: true, id: MID };
const incoming = (from: string, message: string, extra: Record<string, unknown> = {}) => ({
  type: 'text',
  message,
  file: '',
  from,
  timestamp: 1700000000,
  is_forwarded: false,
  is_broadcast: false,
  dataSender: '',
  dataReceiver: { jid: '60100000000@s.whatsapp.net', name: 'Shop', phone: '60100000000', imgUrl: '' },
  ...extra,
});

export const FIXTURES: WebhookFixture[] = [
  json('seed flat, names', { messageId: MID, status: 'DELIVERY_ACK', messageC2STimestamp: '1700000000' }, ['status:DELIVERY_ACK']),
  json('seed flat, READ', { messageId: MID, status: 'READ' }, ['status:READ_ACK']),
  json(
    'Baileys key+status, name',
    {
      key,
      message: { extendedTextMessage: { text: 'Hi' } },
      messageTimestamp: '1768716040',
      status: 'DELIVERY_ACK',
      messageC2STimestamp: '1768716041',
    },
    ['status:DELIVERY_ACK'],
  ),
  json('Baileys key+status, number', { key, status: 4 }, ['status:READ_ACK']),
  json('Baileys key+status, numeric string', { key, status: '3' }, ['status:DELIVERY_ACK']),
  json('Baileys key+status PLAYED', { key, status: 5 }, ['status:READ_ACK']),
  json('Baileys key+status ERROR (0)', { key, status: 0 }, ['status:ERROR']),
  json('Baileys key+update.status', { key, update: { status: 3 } }, ['status:DELIVERY_ACK']),
  json(
    'array of shapes',
    [
      { key, update: { status: 2 } },
      { key, update: { status: 3 } },
      { messageId: MID, status: 'READ_ACK' },
    ],
    ['status:PENDING', 'status:DELIVERY_ACK', 'status:READ_ACK'],
  ),
  json('{event, data} wrapper', { event: 'messages.update', data: [{ key, update: { status: 4 } }] }, ['status:READ_ACK']),
  json('{data: [...]} wrapper', { data: [{ key, status: 'SERVER_ACK' }] }, ['status:PENDING']),
  form('form-encoded flat', `messageId=${MID}&status=DELIVERY_ACK&messageC2STimestamp=1700000000`, ['status:DELIVERY_ACK']),
  form('form-encoded brackets', `key%5Bid%5D=${MID}&key%5BfromMe%5D=true&update%5Bstatus%5D=4`, ['status:READ_ACK']),
  form('form field carrying JSON', `data=${encodeURIComponent(JSON.stringify({ key, update: { status: 3 } }))}`, ['status:DELIVERY_ACK']),
  form('form-encoded inbound', `type=text&message=Berapa+harga%3F&from=${PHONE_DIGITS}%40c.us&is_broadcast=false`, ['inbound']),
  json('inbound from @c.us', incoming(`${PHONE_DIGITS}@c.us`, 'Berapa harga?'), ['inbound']),
  json('inbound from @s.whatsapp.net', incoming(`${PHONE_DIGITS}@s.whatsapp.net`, 'Yes'), ['inbound']),
  json('inbound from :n@s.whatsapp.net', incoming(`${PHONE_DIGITS}:12@s.whatsapp.net`, 'ok'), ['inbound']),
  json('seed inbound', { event: 'message', from: PHONE, message: 'Interested' }, ['inbound']),
  json(
    'Baileys incoming message',
    { key: { remoteJid: `${PHONE_DIGITS}@s.whatsapp.net`, fromMe: false, id: 'ABC' }, message: { conversation: 'hello' } },
    ['inbound'],
  ),
  json('group chat', incoming('120363012345678901@g.us', 'STOP', { participant: `${PHONE_DIGITS}@s.whatsapp.net` }), ['ignored']),
  json('status@broadcast', incoming('status@broadcast', 'STOP', { is_broadcast: true }), ['ignored']),
  json('broadcast flag', incoming(`${PHONE_DIGITS}@c.us`, 'STOP', { is_broadcast: true }), ['ignored']),
  json('our own message', incoming(`${PHONE_DIGITS}@c.us`, 'STOP', { fromMe: true }), ['ignored']),
  json('no status field at all', { key }, ['not_understood']),
  json('flat without status', { messageId: MID, messageC2STimestamp: '1700000000' }, ['not_understood']),
  json('boolean status', { messageId: MID, status: true }, ['not_understood']),
  json('object status', { key, status: { code: 3 } }, ['not_understood']),
  json('unknown number', { key, status: 9 }, ['not_understood']),
  json(
    'NUL next to valid',
    [
      { messageId: MID, status: 'DELIVERY_ACK' },
      { messageId: 'X\u0000Y', status: 'READ' },
    ],
    ['status:DELIVERY_ACK', 'not_understood'],
  ),
  { name: 'not JSON', contentType: 'application/json', body: '{"messageId": ', expect: ['not_understood'] },
  { name: 'JSON as text/plain', contentType: 'text/plain', body: JSON.stringify({ key, status: 'READ' }), expect: ['status:READ_ACK'] },
];
