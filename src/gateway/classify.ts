import { normaliseGatewayStatus } from './normaliseGatewayStatus.ts';

export { normaliseGatewayStatus };

/** What came back from one gateway call, before anyone decided what it means. */
export type GatewayResult =
  | {
      type: 'response';
      statusCode: number;
      headers: Record<string, string | string[] | undefined>;
      /** Parsed JSON when the body was JSON, else the raw text ('' when empty). */
      body: unknown;
    }
  | {
      type: 'error';
      /** err.code (or err.cause.code) such as ECONNREFUSED or UND_ERR_HEADERS_TIMEOUT. */
      code?: string | undefined;
      /** err.name, which is all an AbortSignal timeout carries (TimeoutError / AbortError). */
      name?: string | undefined;
      message: string;
    };

export type SendOutcome =
  | { kind: 'accepted'; messageId: string; data: unknown }
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  | { kind: 'retryable'; reason: string }
  | { kind: 'permanent'; reason: string }
  | { kind: 'ambiguous'; reason: string }
  | { kind: 'auth'; reason: string };

export type StatusOutcome =
  | { kind: 'status'; status: string; c2sTimestamp: string | null; data: unknown }
  | { kind: 'not_found' }
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'error'; reason: string };

export const DEFAULT_RETRY_AFTER_MS = 1000;

// The request never left this machine, so sending it again cannot duplicate the message.
const NEVER_WRITTEN = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const RATE_LIMIT_TEXT = /rate[\s_-]?limit|too many requests|throttl/i;

/**
 * Decides what a gateway call meant. Pure: `nowMs` is only used to turn an HTTP-date Retry-After
 * into a delay. Anything not positively known to be unsent is `ambiguous` for a send, because the
 * engine must never resend a message that may already be on someone's phone.
 */
export function classify(op: 'send', result: GatewayResult, nowMs: number): SendOutcome;
export function classify(op: 'status', result: GatewayResult, nowMs: number): StatusOutcome;
export function classify(
  op: 'send' | 'status',
  result: GatewayResult,
  nowMs: number,
): SendOutcome | StatusOutcome {
  return op === 'send' ? classifySend(result, nowMs) : classifyStatus(result, nowMs);
}

function classifySend(result: GatewayResult, nowMs: number): SendOutcome {
  if (result.type === 'error') {
    const what = describeError(result);
    if (result.code !== undefined && NEVER_WRITTEN.has(result.code)) {
      return { kind: 'retryable', reason: what };
    }
    return { kind: 'ambiguous', reason: `${what} (the message may have been sent)` };
  }
  const { statusCode, body } = result;
  const text = bodyReason(body);
  if (statusCode >= 200 && statusCode < 300) {
    const messageId = findMessageId(body);
    if (messageId !== null) return { kind: 'accepted', messageId, data: body };
    if (text !== null && RATE_LIMIT_TEXT.test(text)) {
      return { kind: 'rate_limited', retryAfterMs: retryAfterMs(result, nowMs), reason: text };
    }
    return { kind: 'permanent', reason: text ?? `HTTP ${statusCode} without a message id` };
  }
  if (statusCode === 429 || (statusCode < 500 && text !== null && RATE_LIMIT_TEXT.test(text))) {
    return {
      kind: 'rate_limited',
      retryAfterMs: retryAfterMs(result, nowMs),
      reason: text ?? `HTTP ${statusCode} rate limited`,
    };
  }
  const reason = text === null ? `HTTP ${statusCode}` : `HTTP ${statusCode}: ${text}`;
  if (statusCode >= 500) return { kind: 'retryable', reason };
  if (statusCode === 401 || statusCode === 403) return { kind: 'auth', reason };
  return { kind: 'permanent', reason };
}

function classifyStatus(result: GatewayResult, nowMs: number): StatusOutcome {
  if (result.type === 'error') return { kind: 'error', reason: describeError(result) };
  const { statusCode, body } = result;
  const text = bodyReason(body);
  if (statusCode === 429 || (text !== null && RATE_LIMIT_TEXT.test(text) && statusCode >= 400)) {
    return { kind: 'rate_limited', retryAfterMs: retryAfterMs(result, nowMs) };
  }
  if (statusCode === 404) return { kind: 'not_found' };
  if (statusCode >= 200 && statusCode < 300) {
    const raw = pick(body, ['status'], ['data', 'status'], ['message_status'], ['data', 'ack']);
    if (typeof raw === 'string' || typeof raw === 'number') {
      const ts = pick(
        body,
        ['messageC2STimestamp'],
        ['data', 'messageC2STimestamp'],
        ['message_c2s_timestamp'],
        ['timestamp'],
      );
      return {
        kind: 'status',
        status: normaliseGatewayStatus(raw),
        c2sTimestamp: typeof ts === 'string' || typeof ts === 'number' ? String(ts) : null,
        data: body,
      };
    }
    if (text !== null && /not\s*found|unknown message/i.test(text)) return { kind: 'not_found' };
    return { kind: 'error', reason: text ?? `HTTP ${statusCode} without a status` };
  }
  return { kind: 'error', reason: text === null ? `HTTP ${statusCode}` : `HTTP ${statusCode}: ${text}` };
}

/** Retry-After in ms: explicit ms in the body, then the header (seconds or HTTP-date), then body seconds. */
export function retryAfterMs(
  result: Extract<GatewayResult, { type: 'response' }>,
  nowMs: number,
): number {
  const bodyMs = pick(result.body, ['retry_after_ms'], ['retryAfterMs'], ['data', 'retry_after_ms']);
  const ms = toNumber(bodyMs);
  if (ms !== null) return Math.max(0, Math.round(ms));
  const header = headerValue(result.headers, 'retry-after');
  if (header !== undefined) {
    const seconds = toNumber(header);
    if (seconds !== null) return Math.max(0, Math.round(seconds * 1000));
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const bodySeconds = toNumber(pick(result.body, ['retryAfter'], ['retry_after']));
  if (bodySeconds !== null) return Math.max(0, Math.round(bodySeconds * 1000));
  return DEFAULT_RETRY_AFTER_MS;
}

function findMessageId(body: unknown): string | null {
  const id = pick(
    body,
    ['messageId'],
    ['message_id'],
    ['data', 'messageId'],
    ['data', 'message_id'],
    ['data', 'id'],
    ['key', 'id'],
    ['data', 'key', 'id'],
  );
  if (typeof id === 'number') return String(id);
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}

/** A short human sentence from whatever error shape the gateway used, or null if it gave none. */
function bodyReason(body: unknown): string | null {
  if (typeof body === 'string') {
    const trimmed = body.replace(/\s+/g, ' ').trim();
    // HTML error pages say nothing useful in their first 120 characters.
    return trimmed === '' || trimmed.startsWith('<') ? null : truncate(trimmed);
  }
  const found = pick(
    body,
    ['error', 'message'],
    ['message'],
    ['error'],
    ['msg'],
    ['reason'],
    ['detail'],
    ['data', 'message'],
  );
  return typeof found === 'string' && found.trim() !== '' ? truncate(found.trim()) : null;
}

function describeError(err: Extract<GatewayResult, { type: 'error' }>): string {
  const label = err.code ?? err.name ?? 'network error';
  return truncate(err.message && err.message !== label ? `${label}: ${err.message}` : label);
}

function pick(value: unknown, ...paths: string[][]): unknown {
  for (const path of paths) {
    let cur: unknown = value;
    for (const key of path) {
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
    }
    if (cur !== undefined && cur !== null) return cur;
  }
  return undefined;
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

function truncate(s: string): string {
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}
