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
import { request } from './request.ts';

function qs(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Every call the dashboard makes to the API, by what it does. */
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
