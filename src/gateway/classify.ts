import { GAVE_UP } from '../domain/sendRetry.ts';
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
  /** The gateway refused our token: nothing was sent, and nothing will be until the token works. */
  | { kind: 'auth'; reason: string }
  /** The gateway's WhatsApp device is offline, logged out or has no session: nothing was sent. */
  | { kind: 'device_unavailable'; reason: string };

/** Outcomes that say the DEVICE, not the number, cannot send now: the engine holds the device. */
export type DeviceTrouble = Extract<SendOutcome, { kind: 'auth' | 'device_unavailable' }>;

export type StatusOutcome =
  | { kind: 'status'; status: string; c2sTimestamp: string | null; data: unknown }
  | { kind: 'not_found' }
  /** The gateway answered but gave no status: `success:false`, or an answer with nothing to read. */
  | { kind: 'refused'; reason: string }
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
// WSAPME answers a bad token with 200 {"success":false,"message":"Unauthorised Token"}.
export const AUTH_TEXT =
  /unauthori[sz]ed|unauthenticated|invalid[\s_-]*(api[\s_-]*)?(token|key)|(token|api[\s_-]*key)[\s_-]*(is[\s_-]*)?(invalid|expired|missing|required|not valid)|forbidden|access denied|authori[sz]ation/i;
// The WhatsApp session behind the device, not the number: waiting is the cure.
const DEVICE_TEXT =
  /device|offline|disconnect|not[\s_-]*connected|connection (closed|lost)|session|\bqr\b|scan|logged[\s_-]*out|log[\s_-]*in again|not[\s_-]*ready|socket/i;

/**
 * Decides what a gateway call meant. Pure: `nowMs` is only used to turn an HTTP-date Retry-After
 * into a delay. Anything not positively known to be unsent is `ambiguous` for a send, because the
 * engine must never resend a message that may already be on someone's phone.
 */
export function classify(op: 'send', result: GatewayResult, nowMs: number): SendOutcome;
export function classify(op: 'status', result: GatewayResult, nowMs: number): StatusOutcome;
export function classify(op: 'send' | 'status', result: GatewayResult, nowMs: number): SendOutcome | StatusOutcome {
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
  const ok = statusCode >= 200 && statusCode < 300;
  // A refusal proves nothing was sent. WSAPME refuses with 200 + success:false; others with a 4xx.
  const isRefusal = refused(body) || (statusCode >= 400 && statusCode < 500);
  const messageId = ok && !isRefusal ? findMessageId(body) : null;
  if (messageId !== null) return { kind: 'accepted', messageId, data: body };
  if (statusCode === 429 || ((isRefusal || ok) && text !== null && RATE_LIMIT_TEXT.test(text))) {
    return {
      kind: 'rate_limited',
      retryAfterMs: retryAfterMs(result, nowMs),
      reason: text ?? `HTTP ${statusCode} rate limited`,
    };
  }
  const reason = ok ? (text ?? `HTTP ${statusCode}`) : text === null ? `HTTP ${statusCode}` : `HTTP ${statusCode}: ${text}`;
  if (isRefusal) {
    if (statusCode === 401 || statusCode === 403 || (text !== null && AUTH_TEXT.test(text))) return { kind: 'auth', reason };
    if (text !== null && DEVICE_TEXT.test(text)) return { kind: 'device_unavailable', reason };
    return { kind: 'permanent', reason };
  }
  if (statusCode >= 500) return { kind: 'retryable', reason };
  // A yes without an id (or an answer we cannot read): the person may have the message, and it
  // could never be tracked. Never resent by itself.
  return { kind: 'ambiguous', reason: `${reason} without a message id (the message may have been sent)` };
}

/**
 * Which FAILED recipients "Retry failed" may send again: the one table of it. A FAILED row keeps
 * the reason it failed (last_error, written from the outcomes above and from the gateway's ERROR
 * status); the first row whose pattern matches that reason decides. Retrying never risks a
 * duplicate — a failure is a message that did not arrive — so the only question is whether
 * another try can succeed: not when the number cannot receive WhatsApp, nor when WhatsApp refused
 * the message itself (the same text is refused again), nor when the sender is blocked or banned
 * (more sends make it worse). Anything else — attempts used up on a gateway or network that was
 * down, a refusal with no reason — is worth one more try.
 */
export const FAILURE_RETRY: ReadonlyArray<{ match: RegExp; retryable: boolean; why: string }> = [
  {
    match:
      /not\s*(on|registered\s*(on|with|in)?|a)\s*whats\s*app|no\s*whats\s*app|not\s*exists?|does\s*not\s*exist|unregistered|invalid\s*(phone|number|jid|recipient|wa)/i,
    retryable: false,
    why: 'the number cannot receive WhatsApp messages',
  },
  {
    match: /too\s*long|invalid\s*message|message\s*(is\s*)?(empty|invalid)|unsupported/i,
    retryable: false,
    why: 'WhatsApp refused the message itself',
  },
  { match: /blocked|banned|spam/i, retryable: false, why: 'the sender is blocked or banned; more sends make it worse' },
  { match: GAVE_UP, retryable: true, why: 'the gateway or the network failed every attempt; nothing was sent' },
  { match: /[\s\S]*/, retryable: true, why: 'refused once for a reason that may pass' },
];

/** Whether a FAILED recipient with this reason may be sent again (FAILURE_RETRY). */
export function failureRetryable(reason: string | null): boolean {
  const text = reason ?? '';
  return (FAILURE_RETRY.find((row) => row.match.test(text)) ?? { retryable: true }).retryable;
}

/** `success:false` (WSAPME) or a boolean `status:false` (other wrappers): the gateway said no. */
function refused(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  return b.success === false || b.status === false;
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
    const raw = refused(body) ? undefined : findStatus(body);
    if (raw !== undefined) {
      const ts = pick(body, ['messageC2STimestamp'], ['data', 'messageC2STimestamp'], ['message_c2s_timestamp'], ['timestamp']);
      return {
        kind: 'status',
        status: normaliseGatewayStatus(raw),
        c2sTimestamp: typeof ts === 'string' || typeof ts === 'number' ? String(ts) : null,
        data: body,
      };
    }
    if (text !== null && /not\s*found|unknown message/i.test(text)) return { kind: 'not_found' };
    // WSAPME's messageInfo answers 200 {"success":false,"message":"messageInfo ","data":{}} to every
    // lookup, and /v1/messageInfo answers the account with a boolean status: neither is a status.
    const why = refused(body) ? (text ?? 'success:false') : `answer without a status${text === null ? '' : ` (${text})`}`;
    return { kind: 'refused', reason: why };
  }
  return { kind: 'error', reason: text === null ? `HTTP ${statusCode}` : `HTTP ${statusCode}: ${text}` };
}

// Where gateways put a message's status: flat (the seed), under data (WSAPME's envelope), nested
// once more, Baileys' `update.status`, or the first item of a list.
const STATUS_PATHS: string[][] = [
  ['status'],
  ['data', 'status'],
  ['data', 'status', 'status'],
  ['status', 'status'],
  ['update', 'status'],
  ['data', 'update', 'status'],
  ['data', '0', 'status'],
  ['data', '0', 'update', 'status'],
  ['message_status'],
  ['data', 'message_status'],
  ['ack'],
  ['data', 'ack'],
];

/** The first status that is a name or a number; a boolean `status` is a success flag, not a status. */
function findStatus(body: unknown): string | number | undefined {
  for (const path of STATUS_PATHS) {
    const v = pick(body, path);
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
}

/** Retry-After in ms: explicit ms in the body, then the header (seconds or HTTP-date), then body seconds. */
export function retryAfterMs(result: Extract<GatewayResult, { type: 'response' }>, nowMs: number): number {
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

/** Where the gateway put the message id; WSAPME's is `data.key.id` (there is no top-level one). */
export function findMessageId(body: unknown): string | null {
  for (const path of ID_PATHS) {
    const id = pick(body, path);
    if (typeof id === 'number' && Number.isFinite(id)) return String(id);
    if (typeof id === 'string' && id.trim() !== '') return id.trim();
  }
  return null;
}

const ID_PATHS: string[][] = [
  ['data', 'key', 'id'],
  ['key', 'id'],
  ['messageId'],
  ['message_id'],
  ['data', 'messageId'],
  ['data', 'message_id'],
  ['data', 'id'],
  ['data', '0', 'key', 'id'],
];

/** A short human sentence from whatever error shape the gateway used, or null if it gave none. */
export function bodyReason(body: unknown): string | null {
  if (typeof body === 'string') {
    const trimmed = body.replace(/\s+/g, ' ').trim();
    // HTML error pages say nothing useful in their first 120 characters.
    return trimmed === '' || trimmed.startsWith('<') ? null : truncate(trimmed);
  }
  for (const path of REASON_PATHS) {
    const found = pick(body, path);
    if (typeof found === 'string' && found.trim() !== '') return truncate(found.trim());
  }
  return null;
}

const REASON_PATHS: string[][] = [['error', 'message'], ['message'], ['error'], ['msg'], ['reason'], ['detail'], ['data', 'message']];

export function describeError(err: Extract<GatewayResult, { type: 'error' }>): string {
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

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
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
