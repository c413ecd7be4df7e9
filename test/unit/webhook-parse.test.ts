import { describe, expect, it } from 'vitest';
import { senderPhone } from '../../src/domain/whatsappJid.ts';
import { latticeStatusOf } from '../../src/gateway/gatewayStatusMap.ts';
import { normaliseGatewayStatus } from '../../src/gateway/normaliseGatewayStatus.ts';
import { parseWebhookBody } from '../../src/webhooks/parseWebhookBody.ts';
import { sanitiseJson } from '../../src/webhooks/sanitiseJson.ts';
import type { WebhookEvent } from '../../src/webhooks/webhookEvent.ts';
import { FIXTURES, MID, PHONE } from '../contract/wsapmeWebhooks.ts';

const summary = (e: WebhookEvent) => (e.kind === 'status' ? `status:${e.status}` : e.kind);

describe('parseWebhookBody: every shape in the fact sheet', () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const events = parseWebhookBody(f.contentType, f.body, 'MY');
    expect(events.map(summary)).toEqual(f.expect);
    for (const e of events) {
      if (e.kind === 'status') expect(e.messageId).toBe(MID);
      if (e.kind === 'inbound') expect(e.phone).toBe(PHONE);
      if (e.kind === 'ignored' || e.kind === 'not_understood') expect(e.reason).toMatch(/\w/);
      // Whatever it is, its payload is storable as jsonb: no NUL anywhere.
      expect(JSON.stringify(e.payload ?? null)).not.toContain('\\u0000"');
    }
  });

  it('keeps the c2s timestamp and the reply text; STOP from a JID is an inbound from the E.164 number', () => {
    const [s] = parseWebhookBody(
      'application/json',
      JSON.stringify({ key: { id: MID, fromMe: true }, status: 'DELIVERY_ACK', messageC2STimestamp: '1768716041' }),
      'MY',
    );
    expect(s).toMatchObject({ kind: 'status', status: 'DELIVERY_ACK', c2sTimestamp: '1768716041' });
    const [r] = parseWebhookBody(
      'application/json',
      JSON.stringify({ type: 'text', message: 'STOP', from: '60133999001:3@s.whatsapp.net' }),
      'MY',
    );
    expect(r).toMatchObject({ kind: 'inbound', phone: PHONE, text: 'STOP' });
  });

  it('says why it set an event aside', () => {
    const reasons = (body: unknown) =>
      parseWebhookBody('application/json', JSON.stringify(body), 'MY').map((e) => ('reason' in e ? e.reason : e.kind));
    expect(reasons({ type: 'text', message: 'hi', from: '1203630@g.us' })).toEqual(['group chat, not a reply']);
    expect(reasons({ type: 'text', message: 'hi', from: 'status@broadcast' })).toEqual(['WhatsApp Status (status@broadcast), not a reply']);
    expect(reasons({ messageId: MID })).toEqual(['no status']);
    expect(reasons({ messageId: MID, status: false })).toEqual(['status is a boolean, not a status']);
    expect(reasons({ type: 'text', message: 'hi', from: 'abc@example.com' })).toEqual(['sender is a JID of an unknown kind']);
    expect(parseWebhookBody('application/json', '', 'MY')).toMatchObject([{ kind: 'not_understood', reason: 'empty body' }]);
    expect(parseWebhookBody('application/json', '"hello"', 'MY')).toMatchObject([
      { kind: 'not_understood', reason: 'event is not a JSON object' },
    ]);
  });

  it('cuts absurd nesting and refuses too many events without throwing', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(parseWebhookBody('application/json', deep, 'MY')[0]!.kind).toBe('not_understood');
    const nested = JSON.stringify({ messageId: MID, status: 'READ', junk: JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) });
    expect(parseWebhookBody('application/json', nested, 'MY')).toMatchObject([
      { kind: 'not_understood', reason: 'nested deeper than 32 levels' },
    ]);
    const many = JSON.stringify(Array.from({ length: 1001 }, () => ({ messageId: MID, status: 3 })));
    expect(parseWebhookBody('application/json', many, 'MY')).toMatchObject([{ kind: 'not_understood' }]);
  });

  it('never lets a key reach a prototype', () => {
    const [e] = parseWebhookBody('application/json', '{"__proto__": {"polluted": 1}, "messageId": "A", "status": 3}', 'MY');
    expect(e!.kind).toBe('status');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const form = parseWebhookBody('application/x-www-form-urlencoded', '__proto__%5Bpolluted%5D=1&messageId=A&status=3', 'MY');
    expect(form[0]!.kind).toBe('status');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('gateway statuses', () => {
  it.each([
    [0, 'ERROR'],
    [1, 'PENDING'],
    [2, 'SERVER_ACK'],
    [3, 'DELIVERY_ACK'],
    [4, 'READ_ACK'],
    [5, 'READ_ACK'],
    ['3', 'DELIVERY_ACK'],
    ['READ', 'READ_ACK'],
    ['READ_ACK', 'READ_ACK'],
    ['PLAYED', 'READ_ACK'],
    [9, '9'],
    [true, ''],
    [false, ''],
    [{}, ''],
    [[], ''],
    [null, ''],
    [undefined, ''],
    [Number.NaN, ''],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseGatewayStatus(raw)).toBe(expected);
  });

  it('maps onto the lattice in one place', () => {
    expect([0, 1, 2, 3, 4, 5, 'WEIRD', true].map(latticeStatusOf)).toEqual([
      'ERROR',
      'PENDING',
      'PENDING',
      'DELIVERY_ACK',
      'READ_ACK',
      'READ_ACK',
      null,
      null,
    ]);
  });
});

describe('senderPhone', () => {
  it.each([
    ['60123456789@c.us', '+60123456789'],
    ['60123456789@s.whatsapp.net', '+60123456789'],
    ['60123456789:7@s.whatsapp.net', '+60123456789'],
    ['+60123456789', '+60123456789'],
    ['012-345 6789', '+60123456789'],
  ])('%s → %s', (jid, phone) => {
    expect(senderPhone(jid, 'MY')).toEqual({ ok: true, phone });
  });
  it.each(['120363@g.us', 'status@broadcast', '1234@broadcast', '1234@lid'])('%s is ignored', (jid) => {
    expect(senderPhone(jid, 'MY')).toMatchObject({ ok: false, result: 'ignored' });
  });
});

describe('sanitiseJson', () => {
  it('escapes NULs, repairs lone surrogates, flags the problem', () => {
    const r = sanitiseJson({ 'a\u0000': 'x\u0000y', s: 'bad \ud800 half' });
    expect(r.problem).toBe('contains a NUL character');
    expect(JSON.stringify(r.value)).toBe('{"a\\\\u0000":"x\\\\u0000y","s":"bad \uFFFD half"}');
  });
});
