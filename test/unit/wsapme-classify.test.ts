import { describe, expect, it } from 'vitest';
import { classify, findMessageId, normaliseGatewayStatus, type GatewayResult } from '../../src/gateway/classify.ts';

// Fixtures are the shapes ../shared/wsapme-dialect.md records from people who called the real gateway.
const NOW = Date.parse('2026-01-18T06:00:00Z');
const res = (statusCode: number, body: unknown): GatewayResult => ({ type: 'response', statusCode, headers: {}, body });

const SENT = {
  success: true,
  message: 'Sent Successfully',
  data: {
    key: { remoteJid: '60189026292@s.whatsapp.net', fromMe: true, id: '3EB0WM0E1CBF027CFB3649' },
    message: { extendedTextMessage: { text: 'Hi' } },
    messageTimestamp: '1768716040',
    status: 'PENDING',
  },
};
const OLD_QUEUED = {
  messageId: '3EB0OLD1',
  id_device: '5850',
  jid: '60189026292@s.whatsapp.net',
  message: 'Hi',
  status: 'PENDING',
  priority: 1,
};

describe('sending in the WSAPME dialect', () => {
  it('reads the message id from data.key.id, and from the older flat queued record', () => {
    expect(classify('send', res(200, SENT), NOW)).toEqual({ kind: 'accepted', messageId: '3EB0WM0E1CBF027CFB3649', data: SENT });
    const docs = { ...SENT, message: 'Sent successfully', data: { ...SENT.data, status: 'SERVER_ACK' } };
    expect(classify('send', res(200, docs), NOW)).toMatchObject({ kind: 'accepted', messageId: '3EB0WM0E1CBF027CFB3649' });
    expect(classify('send', res(200, OLD_QUEUED), NOW)).toMatchObject({ kind: 'accepted', messageId: '3EB0OLD1' });
    expect(findMessageId({ data: [{ key: { id: '3EB0LIST' } }] })).toBe('3EB0LIST');
    expect(findMessageId({ data: { id: { nested: true } } })).toBeNull();
  });

  it.each([
    [200, { success: false, message: 'Unauthorised Token' }],
    [200, { success: false, message: 'unauthorized' }],
    [200, { success: false, message: 'Invalid token' }],
    [200, { success: false, message: 'Forbidden' }],
    [401, { success: false, message: 'Unauthorised Token' }],
    [403, ''],
    [401, { error: 'invalid api key' }],
  ])('HTTP %i %j: the token was refused, nothing was sent', (status, body) => {
    expect(classify('send', res(status, body), NOW).kind).toBe('auth');
  });

  it.each([
    'Device offline',
    'device disconnected',
    'Device not connected',
    'Session not found, scan the QR code',
    'logged out',
    'Device not found',
    'connection closed',
  ])('success:false "%s": the device cannot send, nothing was sent', (message) => {
    expect(classify('send', res(200, { success: false, message }), NOW)).toEqual({ kind: 'device_unavailable', reason: message });
  });

  it("any other success:false is that number's refusal, in the gateway's words", () => {
    expect(classify('send', res(200, { success: false, message: 'Invalid number' }), NOW)).toEqual({
      kind: 'permanent',
      reason: 'Invalid number',
    });
    expect(classify('send', res(200, { success: false, message: 'Number not registered on WhatsApp', data: {} }), NOW)).toEqual({
      kind: 'permanent',
      reason: 'Number not registered on WhatsApp',
    });
    expect(classify('send', res(200, { success: false }), NOW)).toEqual({ kind: 'permanent', reason: 'HTTP 200' });
    // success:false wins over an id echoed back in the refusal
    expect(classify('send', res(200, { success: false, message: 'Invalid number', data: { key: { id: 'X' } } }), NOW).kind).toBe(
      'permanent',
    );
  });

  it('a rate limit said as success:false is a rate limit, not a refusal', () => {
    expect(classify('send', res(200, { success: false, message: 'Too many requests' }), NOW).kind).toBe('rate_limited');
  });

  it('2xx with success:true (or no success field) and no id anywhere is ambiguous, never a failure', () => {
    for (const body of [{ success: true, message: 'Sent Successfully' }, { success: true, data: {} }, { message: 'queued' }, '', 'OK']) {
      const out = classify('send', res(200, body), NOW);
      expect(out.kind).toBe('ambiguous');
      expect(out.kind === 'ambiguous' && out.reason).toMatch(/without a message id/);
    }
  });
});

describe('status lookups in the WSAPME dialect', () => {
  it.each([
    [{ status: 'DELIVERY_ACK' }, 'DELIVERY_ACK'],
    [{ success: true, data: { key: { id: 'A' }, status: 'READ' } }, 'READ_ACK'],
    [{ success: true, data: { status: { status: 'READ_ACK' } } }, 'READ_ACK'],
    [{ key: { id: 'A' }, update: { status: 'SERVER_ACK' } }, 'SERVER_ACK'],
    [{ success: true, data: [{ key: { id: 'A' }, status: 'PLAYED' }] }, 'READ_ACK'],
    [{ key: { id: 'A' }, message: {}, messageTimestamp: '1', status: 'DELIVERY_ACK', messageC2STimestamp: '1768716099' }, 'DELIVERY_ACK'],
    [{ status: 'ERROR' }, 'ERROR'],
    [{ status: 'PENDING' }, 'PENDING'],
  ])('%j → %s', (body, status) => {
    expect(classify('status', res(200, body), NOW)).toMatchObject({ kind: 'status', status });
  });

  it('keeps the C2S timestamp of the documented delivered shape', () => {
    const body = { key: { id: 'A' }, status: 'DELIVERY_ACK', messageC2STimestamp: '1768716099' };
    expect(classify('status', res(200, body), NOW)).toMatchObject({ c2sTimestamp: '1768716099' });
  });

  it('hands a Baileys number (0–5) to the shared status map as a number, wherever it sits', () => {
    for (const n of [0, 1, 2, 3, 4, 5]) {
      for (const body of [{ status: n }, { data: { status: n } }, { key: { id: 'A' }, update: { status: n } }]) {
        expect(classify('status', res(200, body), NOW)).toMatchObject({ kind: 'status', status: normaliseGatewayStatus(n) });
      }
    }
  });

  // Runs once the shared map (src/gateway/normaliseGatewayStatus.ts) knows Baileys' numbers.
  it.runIf(normaliseGatewayStatus(3) === 'DELIVERY_ACK')('Baileys numbers end as the names the poller applies', () => {
    const names = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ_ACK', 'READ_ACK'];
    for (const [n, name] of names.entries())
      expect(classify('status', res(200, { data: { status: n } }), NOW)).toMatchObject({ status: name });
  });

  it('a boolean status is not a status; success:false is a refusal; 404 is not found', () => {
    expect(classify('status', res(200, { success: true, message: 'ok', status: true }), NOW)).toMatchObject({ kind: 'refused' });
    expect(classify('status', res(200, { success: true, data: { status: false } }), NOW)).toMatchObject({ kind: 'refused' });
    expect(classify('status', res(200, { success: false, message: 'messageInfo ', data: {} }), NOW)).toEqual({
      kind: 'refused',
      reason: 'messageInfo',
    });
    expect(classify('status', res(200, { success: false, status: 'PENDING' }), NOW).kind).toBe('refused');
    expect(classify('status', res(404, { error: 'not found' }), NOW)).toEqual({ kind: 'not_found' });
    expect(classify('status', res(200, { success: false, message: 'Message not found' }), NOW)).toEqual({ kind: 'not_found' });
  });
});

describe('the status lookup body template', () => {
  it('fills {device}, {messageId}, {phone} and {jid} in every string value', async () => {
    const { statusLookupBody, DEFAULT_STATUS_BODY } = await import('../../src/gateway/wsapmeClient.ts');
    const req = { device: '5850', messageId: '3EB0AB', phone: '+60189026292' };
    expect(statusLookupBody(DEFAULT_STATUS_BODY, req)).toEqual({ device: '5850', messageId: '3EB0AB' });
    const info =
      '{"id_device":"{device}","jid":"{jid}","messages":{"key":{"remoteJid":"{jid}","fromMe":true,"id":"{messageId}"}},"n":[ "{phone}" ]}';
    expect(statusLookupBody(info, req)).toEqual({
      id_device: '5850',
      jid: '60189026292@s.whatsapp.net',
      messages: { key: { remoteJid: '60189026292@s.whatsapp.net', fromMe: true, id: '3EB0AB' } },
      n: ['60189026292'],
    });
  });
});
