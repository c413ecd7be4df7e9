import type {
  CloseOutcome,
  ContactTimeline,
  FunnelReport,
  ReplyFilter,
  ReplyList,
  ReportGroupBy,
  Blast,
  BlastList,
  Connection,
  CreateBlastRequest,
  CreateBlastResult,
  DevicePacing,
  FollowUpRequest,
  Meta,
  OptOutImport,
  OptOutList,
  Recipient,
  RecipientList,
  Report,
  ResendResult,
  TestMessageResult,
  WebhookUrl,
} from './types.ts';
import type { DeviceWithHealth, ProbablyBlockedList } from './deviceHealthTypes.ts';

export interface FieldIssue {
  field: string;
  message: string;
}

/** An error answered by the API (or a network failure, with status 0), in words a person can read. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldIssue[];
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.fields = Array.isArray(details)
      ? details.filter((d): d is FieldIssue => typeof d === 'object' && d !== null && typeof (d as FieldIssue).field === 'string')
      : [];
  }

  /** Messages of the details whose field is `field` or starts with `field.` / `field[`. */
  forField(field: string): string[] {
    return this.fields
      .filter((f) => f.field === field || f.field.startsWith(`${field}.`) || f.field.startsWith(`${field}[`))
      .map((f) => f.message);
  }
}

const FRIENDLY: Record<string, string> = {
  unauthorized: 'You are signed out. Please sign in again.',
  not_found: 'That no longer exists. It may have been deleted.',
  invalid_state: 'That action is not possible in the current state.',
  payload_too_large: 'That is too much data for one request. Try a smaller file.',
  too_many_recipients: 'Too many recipients for one blast.',
  rate_limited: 'Too many requests right now. Wait a moment and try again.',
  internal: 'Something went wrong on the server. Try again in a moment.',
  database_unavailable: 'The database is not reachable right now. Try again in a moment.',
  timeout: 'The server took too long to answer. Try again.',
};

/** Listeners told when any call answers 401, so the app can show the sign-in screen. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      // A FormData body sets its own multipart content type (with the boundary).
      headers:
        body === undefined || body instanceof FormData
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the wablast server. Check that it is running and try again.');
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  let code = `http_${res.status}`;
  let message = '';
  let details: unknown;
  try {
    const json = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    code = json.error?.code ?? code;
    message = json.error?.message ?? '';
    details = json.error?.details;
  } catch {
    // not JSON: keep the generic message
  }
  if (res.status === 401 && path !== '/api/session') for (const fn of unauthorizedListeners) fn();
  const friendly = FRIENDLY[code];
  if (!message || (friendly && ['unauthorized', 'internal', 'database_unavailable'].includes(code))) {
    message = friendly ?? `The server answered with an error (${res.status}).`;
  }
  throw new ApiError(res.status, code, message, details);
}

function qs(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const api = {
  meta: () => request<Meta>('GET', '/api/meta'),
  signIn: (token: string) => request<unknown>('POST', '/api/session', { token }),
  signOut: () => request<unknown>('DELETE', '/api/session'),

  listBlasts: (limit: number, offset: number) => request<BlastList>('GET', `/api/blasts${qs({ limit, offset })}`),
  getBlast: (id: number) => request<Blast>('GET', `/api/blasts/${id}`),
  getReport: (id: number) => request<Report>('GET', `/api/blasts/${id}/report`),
  createBlast: (body: CreateBlastRequest) => request<CreateBlastResult>('POST', '/api/blasts', body),
  uploadBlast: (form: FormData) => request<CreateBlastResult>('POST', '/api/blasts/upload', form),
  followUp: (id: number, body: FollowUpRequest) => request<CreateBlastResult>('POST', `/api/blasts/${id}/follow-up`, body),

  send: (id: number) =>
    request<{ success: boolean; sent: number; failed: number; queued: number; state: string }>('POST', `/api/blasts/${id}/send`),
  pause: (id: number) => request<{ success: boolean; state: string }>('POST', `/api/blasts/${id}/pause`),
  resume: (id: number) => request<{ success: boolean; state: string }>('POST', `/api/blasts/${id}/resume`),
  cancel: (id: number) => request<{ success: boolean; state: string }>('POST', `/api/blasts/${id}/cancel`),
  resend: (id: number, status: 'UNCERTAIN' | 'FAILED', dryRun = false) =>
    request<ResendResult>('POST', `/api/blasts/${id}/resend`, { statuses: [status], dry_run: dryRun }),

  listRecipients: (id: number, filter: { status?: string; q?: string; limit: number; offset: number }) =>
    request<RecipientList>('GET', `/api/blasts/${id}/recipients${qs(filter)}`),
  recipientsCsvUrl: (id: number, filter: { status?: string; q?: string }) =>
    `/api/blasts/${id}/recipients${qs({ ...filter, format: 'csv' })}`,
  closeRecipient: (id: number, details: { outcome?: CloseOutcome | null; note?: string | null } = {}) =>
    request<{ success: boolean; recipient: Recipient }>('POST', `/api/recipients/${id}/close`, details),
  reopenRecipient: (id: number) => request<{ success: boolean; recipient: Recipient }>('POST', `/api/recipients/${id}/reopen`),

  listReplies: (filter: ReplyFilter) => request<ReplyList>('GET', `/api/replies${qs({ ...filter })}`),
  listOptOuts: (filter: { q?: string; source?: string; limit: number; offset: number }) =>
    request<OptOutList>('GET', `/api/opt-outs${qs(filter)}`),
  addOptOut: (phone: string, reason?: string) =>
    request<{ success: boolean; phone_number: string; added: boolean }>('POST', '/api/opt-outs', { phone, ...(reason ? { reason } : {}) }),
  removeOptOut: (phone: string) => request<{ success: boolean }>('DELETE', `/api/opt-outs/${encodeURIComponent(phone)}`),
  importOptOuts: (form: FormData) => request<OptOutImport>('POST', '/api/opt-outs/import', form),
  contact: (phone: string) => request<ContactTimeline>('GET', `/api/contacts/${encodeURIComponent(phone)}`),
  funnelReport: (filter: { group_by: ReportGroupBy; from?: string; to?: string; tz?: string }) =>
    request<FunnelReport>('GET', `/api/reports/funnel${qs(filter)}`),
  funnelCsvUrl: (filter: { group_by: ReportGroupBy; from?: string; to?: string; tz?: string }) =>
    `/api/reports/funnel${qs({ ...filter, format: 'csv' })}`,

  connection: () => request<Connection>('GET', '/api/connection'),
  webhookUrl: (reveal: boolean) => request<WebhookUrl>('GET', `/api/webhook-url${qs({ reveal: reveal ? 'true' : undefined })}`),
  resumeDevice: (id: string) => request<unknown>('POST', `/api/devices/${encodeURIComponent(id)}/resume`),
  devices: () => request<{ devices: Array<DevicePacing & DeviceWithHealth> }>('GET', '/api/devices'),
  pauseDevice: (id: string) => request<DeviceWithHealth>('POST', `/api/devices/${encodeURIComponent(id)}/pause`, {}),
  probablyBlocked: (id: string) =>
    request<ProbablyBlockedList>('GET', `/api/devices/${encodeURIComponent(id)}/probably-blocked${qs({ limit: 100 })}`),
  /** From a device's "probably blocked" list: the opt-out says where it came from. */
  optOutBlocked: (phone: string, reason: string) =>
    request<unknown>('POST', '/api/opt-outs', { phone, reason, source: 'probably_blocked' }),
  testMessage: (phone: string, message?: string) =>
    request<TestMessageResult>('POST', '/api/connection/test-message', { phone, ...(message ? { message } : {}) }),
};

const FIELD_LABELS: Record<string, string> = {
  blast_tag: 'The tag',
  message: 'The message',
  recipients: 'Recipients',
  follow_up_stage: 'The follow-up stage',
  scheduled_at: 'The date and time',
  device: 'The device',
  file: 'The file',
  phone: 'The phone number',
  token: 'The token',
  segment: 'The segment',
};

/** One field's issue as a sentence: "must not be empty" on `message` reads "The message must not be empty." */
export function fieldSentence(field: string, message: string): string {
  const m = /^recipients\.(\d+)/.exec(field);
  const label = m ? `Recipient ${Number(m[1]) + 1}` : (FIELD_LABELS[field] ?? field.replace(/_/g, ' '));
  const text = message.trim();
  if (!text) return `${label} is not valid.`;
  let out: string;
  if (/^[A-Z]/.test(text)) out = text;
  else if (/^(must|is|are|should|can|cannot|has|needs?)\b/.test(text)) out = `${label} ${text}`;
  else out = `${label}: ${text}`;
  return /[.!?]$/.test(out) ? out : `${out}.`;
}

/** Turns anything thrown into a sentence for the user. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
