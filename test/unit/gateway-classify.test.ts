import { describe, expect, it } from 'vitest';
import { classify, DEFAULT_RETRY_AFTER_MS, normaliseGatewayStatus, type GatewayResult } from '../../src/gateway/classify.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');

function res(statusCode: number, body: unknown, headers: Record<string, string> = {}): GatewayResult {
  return { type: 'response', statusCode, headers, body };
}
function err(code: string | undefined, name = 'Error', message = 'boom'): GatewayResult {
  return { type: 'error', code, name, message };
}

describe('classify send', () => {
  it('accepts every known message id shape and keeps the whole body', () => {
    const shapes = [
      { messageId: '3EB0A' },
      { message_id: '3EB0A' },
      { data: { messageId: '3EB0A' } },
      { data: { id: '3EB0A' } },
      { key: { id: '3EB0A' } },
    ];
    for (const body of shapes) {
      expect(classify('send', res(200, body), NOW)).toEqual({ kind: 'accepted', messageId: '3EB0A', data: body });
    }
  });

  it('treats a boolean status:false as a refusal and 2xx without a message id as ambiguous', () => {
    expect(classify('send', res(200, { status: false, message: 'device not connected' }), NOW)).toEqual({
      kind: 'device_unavailable',
      reason: 'device not connected',
    });
    expect(classify('send', res(200, ''), NOW).kind).toBe('ambiguous');
  });

  it('reads Retry-After from body ms, header seconds, header HTTP-date, body seconds, else default', () => {
    expect(classify('send', res(429, { retry_after_ms: 350 }, { 'retry-after': '1' }), NOW)).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 350,
    });
    expect(classify('send', res(429, '', { 'retry-after': '3' }), NOW)).toMatchObject({ retryAfterMs: 3000 });
    const date = new Date(NOW + 5000).toUTCString();
    expect(classify('send', res(429, '', { 'Retry-After': date }), NOW)).toMatchObject({ retryAfterMs: 5000 });
    expect(classify('send', res(429, { retryAfter: 2 }), NOW)).toMatchObject({ retryAfterMs: 2000 });
    expect(classify('send', res(429, {}), NOW)).toMatchObject({ retryAfterMs: DEFAULT_RETRY_AFTER_MS });
  });

  it('recognises a rate limit said in the body rather than the status', () => {
    expect(classify('send', res(200, { status: false, message: 'Rate limit exceeded' }), NOW).kind).toBe('rate_limited');
    expect(classify('send', res(400, { error: 'Too many requests' }), NOW).kind).toBe('rate_limited');
  });

  it('maps 5xx to retryable, 401/403 to auth, other 4xx to permanent with the body reason', () => {
    expect(classify('send', res(502, '<html>bad gateway</html>'), NOW)).toEqual({ kind: 'retryable', reason: 'HTTP 502' });
    expect(classify('send', res(401, { error: 'invalid api key' }), NOW)).toEqual({
      kind: 'auth',
      reason: 'HTTP 401: invalid api key',
    });
    expect(classify('send', res(403, ''), NOW).kind).toBe('auth');
    expect(classify('send', res(400, { error: 'invalid number' }), NOW)).toEqual({
      kind: 'permanent',
      reason: 'HTTP 400: invalid number',
    });
    expect(classify('send', res(422, { error: { message: 'not on WhatsApp' } }), NOW)).toMatchObject({
      reason: 'HTTP 422: not on WhatsApp',
    });
  });

  it('retries network failures where the request never left, and flags the rest ambiguous', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(classify('send', err(code), NOW).kind).toBe('retryable');
    }
    const afterWrite = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_ABORTED'];
    for (const code of afterWrite) {
      expect(classify('send', err(code), NOW).kind).toBe('ambiguous');
    }
    expect(classify('send', err(undefined, 'TimeoutError', 'The operation was aborted due to timeout'), NOW).kind).toBe('ambiguous');
    expect(classify('send', err(undefined, 'Error', 'something odd'), NOW).kind).toBe('ambiguous');
  });

  it('keeps reasons short', () => {
    const out = classify('send', res(400, { error: 'x'.repeat(1000) }), NOW);
    expect(out.kind === 'permanent' && out.reason.length).toBeLessThanOrEqual(170);
  });
});

describe('classify status', () => {
  it('normalises the status and keeps the C2S timestamp as a string', () => {
    const body = { messageId: 'A', status: 'read', messageC2STimestamp: 1735689600 };
    expect(classify('status', res(200, body), NOW)).toEqual({
      kind: 'status',
      status: 'READ_ACK',
      c2sTimestamp: '1735689600',
      data: body,
    });
    expect(classify('status', res(200, { data: { status: 'DELIVERY_ACK' } }), NOW)).toMatchObject({
      status: 'DELIVERY_ACK',
      c2sTimestamp: null,
    });
  });

  it('answers not_found, rate_limited and error', () => {
    expect(classify('status', res(404, { error: 'not found' }), NOW)).toEqual({ kind: 'not_found' });
    expect(classify('status', res(429, { retry_after_ms: 10 }), NOW)).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 10,
    });
    expect(classify('status', res(500, ''), NOW)).toEqual({ kind: 'error', reason: 'HTTP 500' });
    expect(classify('status', res(401, ''), NOW).kind).toBe('error');
    expect(classify('status', err('ECONNREFUSED'), NOW).kind).toBe('error');
    expect(classify('status', res(200, { foo: 1 }), NOW).kind).toBe('refused');
  });
});

describe('normaliseGatewayStatus', () => {
  it.each([
    ['READ', 'READ_ACK'],
    ['played', 'READ_ACK'],
    ['Delivered', 'DELIVERY_ACK'],
    ['sent', 'SERVER_ACK'],
    ['SERVER', 'SERVER_ACK'],
    ['server_ack', 'SERVER_ACK'],
    ['pending', 'PENDING'],
    ['error', 'ERROR'],
    ['delivery-ack', 'DELIVERY_ACK'],
    ['weird thing', 'WEIRD THING'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseGatewayStatus(raw)).toBe(expected);
  });
});
