// Shapes of the wablast HTTP API, as the dashboard sees them.

import { SEGMENT_NAMES, type Segment } from '@domain/segments.ts';
import { STATUSES, type Status } from '@domain/status.ts';

import type {
  BlastState,
  BlastView,
  ConnectionReport,
  OptOutView,
  PacingPreset,
  ReplyView,
  Report,
  TestMessageAnswer,
} from '@api/contract.ts';

// The API's answers are the server's own types (src/api/contract.ts), under the names the pages use.
export type {
  BlastList,
  BlastState,
  CloseOutcome,
  ConnectionCheck,
  ContactMessage,
  ContactTimeline,
  CreateBlastResult,
  FunnelReport,
  InvalidRecipient,
  Meta,
  OptOutImport,
  OptOutSource,
  RecipientListItem as Recipient,
  ResendResult,
  SendPlan,
  SendPlan as Plan,
  PacingPreset,
  OptOutList,
  RecipientList,
  ReplyList,
  Report,
  ReportGroupBy,
  SendingState,
  StageFunnel,
} from '@api/contract.ts';
export type Blast = BlastView;
export type OptOut = OptOutView;
export type Reply = ReplyView;
export type TestMessageResult = TestMessageAnswer;

/** GET /api/devices, the parts the dashboard reads. */
export interface DevicePacing {
  id: string;
  label: string | null;
  effective: { preset: PacingPreset; summary: string; window_open: boolean };
  sent_today: number;
  sent_last_hour: number;
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
export const SEGMENTS = SEGMENT_NAMES;
export type { Segment };

export interface FollowUpRequest {
  segment: Segment;
  message: string;
  blast_tag?: string;
  follow_up_stage?: string;
  scheduled_at?: string;
  dry_run?: boolean;
}

/** The status lattice's statuses, from the server's pure module (src/domain/status.ts). */
export const RECIPIENT_STATUSES = STATUSES;

export type RecipientStatus = Status;

export interface BlastEvent {
  blast_id: number;
  state: BlastState;
  report: Report;
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

export type Connection = ConnectionReport;

export interface WebhookUrl {
  configured: boolean;
  url: string | null;
  masked?: boolean;
  reason?: string;
  reminder: string;
}
