import { senderPhone } from '../domain/whatsappJid.ts';
import { GATEWAY_TO_LATTICE } from '../gateway/gatewayStatusMap.ts';
import { normaliseGatewayStatus } from '../gateway/normaliseGatewayStatus.ts';
import { decodeBody } from './decodeBody.ts';
import { MAX_DEPTH, sanitiseJson } from './sanitiseJson.ts';
import type { SetAside, WebhookEvent } from './webhookEvent.ts';

export const MAX_EVENTS_PER_REQUEST = 1000;
const MAX_MESSAGE_ID = 200;
const MAX_TEXT = 10_000;

// Keys under which gateways wrap their events: {event, data}, {data: [...]}, Baileys' {messages: [...]}.
const WRAPPERS = ['data', 'payload', 'events', 'messages', 'json'] as const;
// Keys that make an object an event itself rather than a wrapper.
const EVENT_KEYS = ['key', 'messageId', 'message_id', 'status', 'ack', 'update', 'from', 'sender', 'message', 'text'] as const;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const has = (o: Obj, k: string) => Object.hasOwn(o, k) && o[k] !== undefined;
const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
const yes = (v: unknown) => v === true || v === 1 || (typeof v === 'string' && /^(true|1|yes)$/i.test(v.trim()));
const no = (v: unknown) => v === false || v === 0 || (typeof v === 'string' && /^(false|0|no)$/i.test(v.trim()));

/**
 * Reads a webhook body into events, whatever shape WSAPME used (../shared/wsapme-dialect.md): the
 * seed's flat `{messageId, status, messageC2STimestamp}`, Baileys' `{key: {id, remoteJid, fromMe},
 * status}` and `{key, update: {status}}` with names or numbers, incoming messages `{type, message,
 * from: "<digits>@c.us", is_broadcast, …}`, arrays and wrappers of them, JSON or form-encoded.
 * Pure and total: every body yields at least one event, and what is not understood says why.
 */
export function parseWebhookBody(contentType: string | null, raw: string, region: string): WebhookEvent[] {
  const decoded = decodeBody(contentType, raw);
  if (!decoded.ok) return [notUnderstood('unknown', decoded.reason, null)];
  const items: unknown[] = [];
  flatten(decoded.value, items, 0);
  if (items.length === 0) return [notUnderstood('unknown', 'empty event list', null)];
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    return [notUnderstood('unknown', `${items.length} events in one request; at most ${MAX_EVENTS_PER_REQUEST} are read`, null)];
  }
  return items.map((item) => parseItem(item, region));
}

function flatten(v: unknown, out: unknown[], depth: number): void {
  if (out.length > MAX_EVENTS_PER_REQUEST) {
    out.push(v);
    return;
  }
  if (Array.isArray(v) && depth < MAX_DEPTH) {
    for (const x of v) flatten(x, out, depth + 1);
    return;
  }
  const o = obj(v);
  const inner =
    o && depth < MAX_DEPTH && !EVENT_KEYS.some((k) => has(o, k)) ? WRAPPERS.find((k) => obj(o[k]) || Array.isArray(o[k])) : undefined;
  if (o && inner) flatten(o[inner], out, depth + 1);
  else out.push(v);
}

function parseItem(item: unknown, region: string): WebhookEvent {
  const p = obj(item);
  if (!p) return notUnderstood('unknown', 'event is not a JSON object', sanitiseJson(item).value);
  const clean = sanitiseJson(p);
  const payload = clean.value;
  const key = obj(p.key);
  const update = obj(p.update);
  const rawStatus = update && has(update, 'status') ? update.status : has(p, 'status') ? p.status : p.ack;
  const hasStatus = rawStatus !== undefined;
  const messageId = key ? str(key.id) : (str(p.messageId) ?? str(p.message_id) ?? str(p.msgId) ?? (hasStatus ? str(p.id) : null));
  const about = key || messageId ? 'status' : 'inbound';
  // Nothing read from a poisoned event goes to SQL but its sanitised payload.
  if (clean.problem) return notUnderstood(about, clean.problem, payload);

  if (key) {
    const remote = str(key.remoteJid)?.toLowerCase() ?? '';
    if (no(key.fromMe)) {
      // Someone else's message: an incoming one (Baileys messages.upsert), or a status about it.
      if (!update && (obj(p.message) || typeof p.message === 'string')) {
        return inbound(p, str(key.remoteJid) ?? '', region, payload);
      }
      return ignored('status', 'status of a message someone sent us', payload, messageId);
    }
    if (/@g\.us$|@broadcast$/.test(remote)) return ignored('status', 'status of a group or broadcast message', payload, messageId);
    return statusEvent(p, messageId, rawStatus, payload, true);
  }
  if (messageId && hasStatus) return statusEvent(p, messageId, rawStatus, payload, false);
  const from = str(p.from) ?? str(p.sender) ?? str(p.phone) ?? str(p.remoteJid);
  const looksLikeMessage = ['message', 'text', 'body', 'caption', 'file', 'type', 'event'].some((k) => has(p, k));
  if (from && looksLikeMessage && !hasStatus) return inbound(p, from, region, payload);
  if (messageId) return statusEvent(p, messageId, rawStatus, payload, false);
  return notUnderstood('unknown', 'neither a message id with a status nor a sender with a message', payload);
}

function statusEvent(p: Obj, messageId: string | null, rawStatus: unknown, payload: unknown, baileys: boolean): WebhookEvent {
  if (!messageId) return notUnderstood('status', 'status without a message id', payload);
  if (messageId.length > MAX_MESSAGE_ID) return notUnderstood('status', `message id longer than ${MAX_MESSAGE_ID} characters`, payload);
  const spelled = normaliseGatewayStatus(rawStatus);
  if (spelled === '') {
    const why = rawStatus === undefined || rawStatus === null ? 'no status' : `status is a ${typeof rawStatus}, not a status`;
    return notUnderstood('status', why, payload, messageId);
  }
  const status = GATEWAY_TO_LATTICE[spelled];
  if (!status) return notUnderstood('status', 'unknown status', payload, messageId, spelled.slice(0, 64));
  const c2s = str(p.messageC2STimestamp) ?? str(p.message_c2s_timestamp) ?? (baileys ? null : str(p.timestamp));
  return { kind: 'status', messageId, status, c2sTimestamp: c2s?.slice(0, 64) ?? null, payload };
}

function inbound(p: Obj, from: string, region: string, payload: unknown): WebhookEvent {
  if (yes(p.fromMe) || yes(p.from_me)) return ignored('inbound', 'our own message', payload);
  if (yes(p.is_broadcast) || yes(p.isBroadcast)) return ignored('inbound', 'broadcast, not a reply', payload);
  if (yes(p.isGroup) || yes(p.is_group)) return ignored('inbound', 'group chat, not a reply', payload);
  const sender = senderPhone(from, region);
  if (!sender.ok) return setAside(sender.result, 'inbound', sender.reason, payload);
  return { kind: 'inbound', phone: sender.phone, text: messageText(p).slice(0, MAX_TEXT), payload };
}

/** The text of a message: WSAPME's flat `message`, or Baileys' message content. '' for a sticker or a voice note. */
function messageText(p: Obj): string {
  for (const k of ['message', 'text', 'body', 'caption']) if (typeof p[k] === 'string') return p[k] as string;
  const m = obj(p.message);
  if (!m) return '';
  if (typeof m.conversation === 'string') return m.conversation;
  for (const k of ['extendedTextMessage', 'imageMessage', 'videoMessage', 'documentMessage']) {
    const part = obj(m[k]);
    const t = part?.text ?? part?.caption;
    if (typeof t === 'string') return t;
  }
  return '';
}

function setAside(
  kind: SetAside['kind'],
  about: SetAside['about'],
  reason: string,
  payload: unknown,
  messageId: string | null = null,
  status: string | null = null,
): SetAside {
  return { kind, about, reason, messageId: messageId?.slice(0, MAX_MESSAGE_ID) ?? null, status, payload };
}
const ignored = (about: SetAside['about'], reason: string, payload: unknown, messageId: string | null = null) =>
  setAside('ignored', about, reason, payload, messageId);
const notUnderstood = (
  about: SetAside['about'],
  reason: string,
  payload: unknown,
  messageId: string | null = null,
  status: string | null = null,
) => setAside('not_understood', about, reason, payload, messageId, status);
