import type { Status } from './status.ts';

/**
 * One wording per reason a message did not (or may not have) arrived, whatever words the gateway
 * or the engine used: `last_error` keeps the gateway's own text for whoever debugs, and people read
 * this. "HTTP 400: number not on WhatsApp" (the seed's wrapper), "number not on WhatsApp" (WSAPME's
 * 200 + success:false) and "gave up after 5 attempts: …" all become one sentence per reason.
 * The API, the CSV export, the CLI and the dashboard all take it from here.
 */
export const FAILURE_REASONS = {
  not_on_whatsapp: 'Not on WhatsApp',
  invalid_number: 'The gateway says this number is invalid',
  whatsapp_refused: 'WhatsApp refused the message',
  blocked: 'Blocked by the recipient',
  gateway_unreachable: 'The gateway could not be reached; not sent',
  gateway_error: 'The gateway kept failing; not sent',
  rate_limited: 'The gateway kept asking to slow down; not sent',
  token_refused: 'The gateway refused the API token; waiting to send',
  device_offline: 'The WhatsApp device is offline; waiting to send',
  no_answer: 'No clear answer from the gateway: it may have arrived',
  stopped_in_flight: 'Sending stopped while this message was in flight: it may have arrived',
  cancelled: 'Blast cancelled before sending',
  opted_out: 'Opted out; not sent',
  resent: 'Queued again on request',
  refused: 'Refused by the gateway',
} as const;

export type FailureCode = keyof typeof FAILURE_REASONS;

export interface Failure {
  code: FailureCode;
  /** The sentence people read. */
  text: string;
}

// Order matters: the first rule that matches names the reason.
const RULES: Array<[FailureCode, RegExp]> = [
  ['opted_out', /^opted out$/i],
  ['cancelled', /^blast cancelled$/i],
  ['resent', /^resent on request/i],
  ['stopped_in_flight', /stopped while this message was in flight/i],
  [
    'not_on_whatsapp',
    /not (on|registered|a|in|using)( on| with| in)? ?whatsapp|no whatsapp|not registered|does ?n[o']t exist|not exists?\b|onwhatsapp\W+false/i,
  ],
  ['blocked', /\bblock(ed)?\b/i],
  ['invalid_number', /invalid (phone |mobile )?(number|jid|recipient)|bad (phone )?number|number (is )?invalid/i],
  ['whatsapp_refused', /whatsapp refused|^error$|status error/i],
  ['token_refused', /unauthori[sz]ed|invalid (api )?(token|key)|token|forbidden/i],
  ['device_offline', /device|offline|not connected|logged out|session|\bqr\b/i],
  ['rate_limited', /rate[\s_-]?limit|too many requests|throttl/i],
  ['no_answer', /may have been sent|without a message id/i],
  ['gateway_unreachable', /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|UND_ERR_CONNECT_TIMEOUT|UND_ERR_CLOSED/],
  ['gateway_error', /HTTP 5\d\d|gave up after|timeout|socket/i],
];

/** Statuses that carry a reason worth reading; a delivered or read message's old error is history. */
const EXPLAINED: ReadonlySet<Status> = new Set<Status>(['FAILED', 'UNCERTAIN', 'SKIPPED', 'QUEUED']);

/**
 * The reason for a recipient's state in one wording, or null when there is nothing to explain.
 * An ERROR from WhatsApp with no text (the webhook's bare status) is "WhatsApp refused the message".
 */
export function failureReason(lastError: string | null | undefined, status: Status): Failure | null {
  if (!EXPLAINED.has(status)) return null;
  const raw = (lastError ?? '').trim();
  if (raw === '') return status === 'FAILED' ? at('whatsapp_refused') : status === 'UNCERTAIN' ? at('no_answer') : null;
  for (const [code, re] of RULES) if (re.test(raw)) return at(code);
  if (status === 'UNCERTAIN') return at('no_answer');
  // A refusal we have no rule for: the gateway's own words are all there is, without the HTTP code.
  const words = raw.replace(/^HTTP \d{3}:?\s*/, '');
  return { code: 'refused', text: words ? `${FAILURE_REASONS.refused}: ${words}` : FAILURE_REASONS.refused };
}

const at = (code: FailureCode): Failure => ({ code, text: FAILURE_REASONS[code] });
