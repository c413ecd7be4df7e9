import { normaliseGatewayStatus } from '../gateway/normaliseGatewayStatus.ts';
import { AppError } from '../errors.ts';

export type WebhookEvent =
  | { kind: 'status'; messageId: string; status: string; c2sTimestamp: string | null; payload: Record<string, unknown> }
  | { kind: 'inbound'; from: string; text: string; payload: Record<string, unknown> };

const MAX_EVENTS_PER_REQUEST = 1000;

/**
 * Reads what WSAPME posts: a status `{messageId, status, messageC2STimestamp}` or an inbound
 * message `{from, message}` — or an array of them. Tolerant of spellings (message_id, id, text,
 * body, sender), strict about what matters: a status without a message id, or an inbound message
 * without a sender, is a 400 and nothing is written. Unknown fields ride along in `payload`.
 */
export function parseWebhook(body: unknown): WebhookEvent[] {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw bad('empty event list');
  if (items.length > MAX_EVENTS_PER_REQUEST) throw bad(`at most ${MAX_EVENTS_PER_REQUEST} events per request`);
  return items.map((item, i) => parseOne(item, items.length > 1 ? `[${i}]` : ''));
}

function parseOne(item: unknown, at: string): WebhookEvent {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw bad(`event${at} must be a JSON object`);
  const p = item as Record<string, unknown>;
  const str = (...keys: string[]) => {
    for (const k of keys) {
      const v = p[k];
      if (typeof v === 'string' && v.trim() !== '') return v.trim();
      if (typeof v === 'number') return String(v);
    }
    return null;
  };
  const event = str('event', 'type')?.toLowerCase();
  const from = str('from', 'sender', 'phone');
  const text = typeof p.message === 'string' ? p.message : typeof p.text === 'string' ? p.text : typeof p.body === 'string' ? p.body : null;
  const status = str('status', 'ack');
  if ((event === 'message' || event === 'inbound' || (!status && from)) && from) {
    if (text === null) throw bad(`event${at}: inbound message without text`);
    return { kind: 'inbound', from: from.slice(0, 64), text: text.slice(0, 10_000), payload: p };
  }
  const messageId = str('messageId', 'message_id', 'id');
  if (!messageId) throw bad(`event${at}: messageId is required`);
  if (messageId.length > 200) throw bad(`event${at}: messageId is too long`);
  if (!status) throw bad(`event${at}: status is required`);
  return {
    kind: 'status',
    messageId,
    status: normaliseGatewayStatus(status).slice(0, 64),
    c2sTimestamp: str('messageC2STimestamp', 'message_c2s_timestamp', 'timestamp')?.slice(0, 64) ?? null,
    payload: p,
  };
}

const bad = (message: string) => new AppError('bad_request', `Malformed webhook: ${message}`, [{ field: 'body', message }]);
