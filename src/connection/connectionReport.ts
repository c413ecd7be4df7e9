import type { Check } from '../gateway/classifyProbe.ts';
import { decodeBody } from '../webhooks/decodeBody.ts';
import type { LookupState } from '../track/statusLookupState.ts';
import type { ConnectionReport } from '../api/contract.ts';
import type { DeviceSending, LastWebhook } from './connectionQueries.ts';

export type { Check };

export type CheckId = 'mode' | 'gateway' | 'token' | 'device' | 'webhook_url' | 'last_webhook' | 'status_lookup' | 'sending';

export interface NamedCheck extends Check {
  id: CheckId;
  label: string;
}

/** Everything the checks are made from, gathered by checkConnection. */
export interface ConnectionFacts {
  simulator: boolean;
  /** Host of WSAPME_BASE_URL (never the path or a query that might carry a secret). */
  gatewayHost: string | null;
  server: Check & { latencyMs: number };
  token: Check;
  device: string;
  devices: DeviceSending[];
  webhook: { configured: boolean; masked: string | null; publicUrlSet: boolean; reminder: string };
  lastWebhook: LastWebhook | null;
  lookup: LookupState;
  pollMode: string;
}

export type { ConnectionReport };

/** What of a raw body the page shows: enough to recognise its shape, not megabytes. */
export const BODY_SHOWN = 4000;

/**
 * Indented as JSON when it reads as JSON or as a form (decoded the way the webhook endpoint reads
 * it, JSON fields parsed in place: `decoded` says which), else as it came; cut at BODY_SHOWN characters.
 */
export function prettyBody(raw: string, contentType: string | null): { body: string; decoded: 'json' | 'form' | null; truncated: boolean } {
  const read = decodeBody(contentType, raw);
  const text = read.ok ? JSON.stringify(read.value, null, 2) : raw;
  const decoded = !read.ok ? null : /^\s*[{[]/.test(raw) ? 'json' : 'form';
  const truncated = text.length > BODY_SHOWN;
  return { body: truncated ? `${text.slice(0, BODY_SHOWN)}\n… (${text.length - BODY_SHOWN} more characters)` : text, decoded, truncated };
}

const describeHold = (s: Extract<DeviceSending['sending'], { state: 'held' }>): string =>
  `held (${s.kind}): ${s.reason ?? 'no reason given'}${s.retry_at ? `; next try at ${s.retry_at}` : ''}`;

/** The answer of GET /api/connection from the facts: pure, so every rule here is unit-testable. */
export function buildConnectionReport(f: ConnectionFacts): ConnectionReport {
  const held = f.devices.filter(
    (d): d is DeviceSending & { sending: Extract<DeviceSending['sending'], { state: 'held' }> } => d.sending.state === 'held',
  );
  const authHold = held.find((d) => d.sending.kind === 'auth');
  const known = f.devices.some((d) => d.id === f.device);

  let token: Check = f.token;
  if (authHold) {
    const why = `sending on ${authHold.id} is held: a send was refused for the token (${authHold.sending.reason ?? 'no reason'})`;
    token =
      f.token.ok === true
        ? { ok: null, detail: `the probe was accepted, but ${why}; resume the device to try now` }
        : { ok: false, detail: `${f.token.detail}; ${why}` };
  }

  const last = f.lastWebhook;
  const checks: NamedCheck[] = [
    {
      id: 'mode',
      label: 'Mode',
      ok: true,
      detail: f.simulator
        ? 'simulator: no real WhatsApp message is sent (set WSAPME_BASE_URL to use the real gateway)'
        : `real gateway at ${f.gatewayHost}`,
    },
    { id: 'gateway', label: 'Gateway reachable', ...pick(f.server) },
    { id: 'token', label: 'Token accepted', ...token },
    {
      id: 'device',
      label: 'Device',
      ok: true,
      detail: `WSAPME_DEVICE is ${f.device}${known ? '' : ' (it has not sent yet)'}${f.devices.length > (known ? 1 : 0) ? `; devices known: ${f.devices.map((d) => d.id).join(', ')}` : ''}`,
    },
    {
      id: 'webhook_url',
      label: 'Webhook URL',
      ok: f.webhook.configured,
      detail: f.webhook.configured
        ? `${f.webhook.masked}${f.webhook.publicUrlSet || f.simulator ? '' : " (from this request's address: set PUBLIC_URL to the address the gateway can reach)"}`
        : 'WEBHOOK_SECRET is not set: webhooks are refused, status comes from polling only',
    },
    {
      id: 'last_webhook',
      label: 'Last webhook',
      ok: last === null ? null : true,
      detail:
        last === null
          ? `none received yet. ${f.webhook.reminder}`
          : `received ${last.received_at} (${last.results ?? 'no events'}; secret in the ${last.secret_in ?? 'request'})`,
    },
    {
      id: 'status_lookup',
      label: 'Status lookup',
      // Unknown rather than a problem when unavailable: the real gateway may have no lookup at all,
      // and webhooks carry the statuses without it (nobody is failed for a refused lookup).
      ok: f.lookup.available && f.pollMode !== 'off' ? true : null,
      detail: !f.lookup.available
        ? `unavailable since ${f.lookup.since}: ${f.lookup.reason ?? 'refused'}; statuses come from webhooks only`
        : f.pollMode === 'off'
          ? 'not used by itself (POLL_MODE=off)'
          : 'available (not refused so far)',
    },
    {
      id: 'sending',
      label: 'Sending',
      ok: held.length === 0,
      detail: held.length === 0 ? 'running' : held.map((d) => `${d.id} ${describeHold(d.sending)}`).join('; '),
    },
  ];
  const problems = checks.filter((c) => c.ok === false).length;
  return {
    ok: problems === 0,
    problems,
    checks,
    webhook: {
      configured: f.webhook.configured,
      url: f.webhook.masked,
      masked: true,
      public_url_set: f.webhook.publicUrlSet,
      reminder: f.webhook.reminder,
    },
    last_webhook: last === null ? null : { ...last, ...prettyBody(last.body, last.content_type) },
    devices: f.devices,
  };
}

const pick = ({ ok, detail }: Check): Check => ({ ok, detail });
