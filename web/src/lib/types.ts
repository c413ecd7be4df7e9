// Shapes of the wablast HTTP API, as the dashboard sees them.

import type { Funnel } from '../../../src/domain/funnel.ts';
import { STATUSES, type Status } from '../../../src/domain/status.ts';

export type BlastState = 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';

/** The funnel the API reports: the server's own pure type (src/domain/funnel.ts), not a copy. */
export type Report = Funnel & { avg_seconds_to_deliver?: number | null; avg_seconds_to_read?: number | null };

export interface Blast {
  id: number;
  tag: string | null;
  message: string;
  follow_up_stage: string | null;
  device: string;
  state: BlastState;
  scheduled_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  /** Set on a follow-up: the blast it was made from, and the funnel segment it targets. */
  parent_blast_id?: number | null;
  segment?: Segment | string | null;
  /** This blast's own pace; null: the device's. */
  pacing_preset?: PacingPreset | null;
  report: Report;
  plan?: Plan;
}

/** Pacing presets (src/domain/pacingRules.ts). */
export type PacingPreset = 'fast' | 'safe' | 'warm-up' | 'custom';

/** A blast's pace and ETA, as GET /api/blasts/:id and the dry run report it. */
export interface Plan {
  preset: PacingPreset;
  summary: string;
  eta_seconds: number;
  finishes_at: string | null;
  eta_text: string;
  waiting_for_window: boolean;
  window_opens_at: string | null;
  note: string | null;
}

/** GET /api/devices, the parts the dashboard reads. */
export interface DevicePacing {
  id: string;
  label: string | null;
  effective: { preset: PacingPreset; summary: string; window_open: boolean };
  sent_today: number;
  sent_last_hour: number;
}

export interface BlastList {
  blasts: Blast[];
  total: number;
  limit: number;
  offset: number;
}

export interface Meta {
  simulator: boolean;
  auth_required: boolean;
  default_device: string;
  version: string;
}

export type RecipientInput = string | ({ phone: string } & Record<string, string>);

export interface CreateBlastRequest {
  blast_tag?: string;
  message: string;
  recipients: RecipientInput[];
  follow_up_stage?: string;
  scheduled_at?: string;
  device?: string;
  pacing_preset?: PacingPreset;
  dry_run?: boolean;
}

/** Funnel segments a follow-up can target (POST /api/blasts/:id/follow-up), in the order offered. */
export const SEGMENTS = [
  'not_received',
  'received_not_read',
  'read_not_replied',
  'replied_not_closed',
  'not_replied',
  'failed',
] as const;

export type Segment = (typeof SEGMENTS)[number];

export interface FollowUpRequest {
  segment: Segment;
  message: string;
  blast_tag?: string;
  follow_up_stage?: string;
  scheduled_at?: string;
  dry_run?: boolean;
}

export interface InvalidRecipient {
  input: string;
  line: number;
  reason: string;
}

export interface CreateBlastResult {
  success: boolean;
  blast_id: number | null;
  total_recipients: number;
  invalid: InvalidRecipient[];
  duplicates: number;
  opted_out: number;
  preview?: Array<{ phone: string; variables: Record<string, string> }>;
  /** Dry run only: what sending it now would do. */
  plan?: Plan;
}

/** The status lattice's statuses, from the server's pure module (src/domain/status.ts). */
export const RECIPIENT_STATUSES = STATUSES;

export type RecipientStatus = Status;

export interface Recipient {
  id: number;
  phone_number: string;
  status: RecipientStatus | string;
  message_id: string | null;
  attempts: number;
  last_error: string | null;
  variables: Record<string, string>;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  failed_at: string | null;
}

export interface RecipientList {
  recipients: Recipient[];
  total: number;
  limit: number;
  offset: number;
}

export interface BlastEvent {
  blast_id: number;
  state: BlastState;
  report: Report;
}

export type CloseOutcome = 'won' | 'lost';

/** One reply in the inbox across blasts (GET /api/replies). */
export interface Reply {
  id: number;
  recipient_id: number | null;
  blast_id: number | null;
  phone: string;
  name: string | null;
  text: string;
  received_at: string;
  blast_tag: string | null;
  follow_up_stage: string | null;
  sent_message: string | null;
  status: string | null;
  sent_at: string | null;
  closed_at: string | null;
  outcome: CloseOutcome | null;
  note: string | null;
  opted_out: boolean;
}

export interface ReplyList {
  replies: Reply[];
  total: number;
  limit: number;
  offset: number;
}

export interface ReplyFilter {
  blast_id?: string;
  tag?: string;
  stage?: string;
  from?: string;
  to?: string;
  open?: 'true';
  q?: string;
  limit: number;
  offset: number;
}

export interface ContactMessage {
  recipient_id: number;
  blast_id: number;
  blast_tag: string | null;
  follow_up_stage: string | null;
  text: string;
  status: string;
  last_error: string | null;
  outcome: CloseOutcome | null;
  note: string | null;
  queued_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  failed_at: string | null;
}

export interface ContactTimeline {
  phone: string;
  name: string | null;
  opted_out: { reason: string | null; created_at: string } | null;
  messages: ContactMessage[];
  replies: Array<{ id: number; recipient_id: number | null; blast_id: number | null; text: string; received_at: string }>;
}

export type ReportGroupBy = 'follow_up_stage' | 'tag' | 'day' | 'device';

export interface StageFunnel {
  sent: number;
  received: number;
  read: number;
  replied: number;
  closed: number;
  rates: { received: number; read: number; replied: number; closed: number };
}

export interface FunnelReport {
  group_by: ReportGroupBy;
  tz: string;
  from: string | null;
  to: string | null;
  groups: Array<StageFunnel & { key: string | null }>;
  total: StageFunnel;
}

/** GET /api/connection: each check ok (true), a problem (false) or unknown (null). */
export interface ConnectionCheck {
  id: string;
  label: string;
  ok: boolean | null;
  detail: string;
}

export type SendingState =
  | { state: 'running' }
  | { state: 'held'; kind: string; reason: string | null; since: string | null; retry_at: string | null; probes_refused: number };

export interface Connection {
  ok: boolean;
  problems: number;
  checks: ConnectionCheck[];
  webhook: { configured: boolean; url: string | null; masked: boolean; public_url_set: boolean; reminder: string };
  last_webhook: { id: number; received_at: string | null; content_type: string | null; secret_in: string | null; results: string | null; body: string; decoded: 'json' | 'form' | null; truncated: boolean } | null;
  devices: Array<{ id: string; enabled: boolean; sending: SendingState }>;
}

export interface WebhookUrl {
  configured: boolean;
  url: string | null;
  masked?: boolean;
  reason?: string;
  reminder: string;
}

export interface TestMessageResult {
  blast_id: number;
  phone: string;
  outcome: 'sent' | 'failed' | 'uncertain' | 'waiting';
  status: string;
  message_id: string | null;
  reason: string | null;
  held: { kind: string; reason: string; retry_in_ms: number } | null;
}
