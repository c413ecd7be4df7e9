/**
 * The HTTP API's answers, written once. The server's use-cases return these types, the dashboard
 * (web/src/lib/types.ts) and the CLI import them, so a field added here is a compile error wherever
 * it is not handled. Types only, built from pure modules: web/ type-checks this file without Node.
 */
import type { BlastState } from '../blasts/blastStates.ts';
import type { CreateWarning } from '../domain/countryNote.ts';
import type { FailureCode } from '../domain/failureReason.ts';
import type { Funnel } from '../domain/funnel.ts';
import type { PacingPreset } from '../domain/pacingRules.ts';
import type { OptOutSource } from '../domain/optOutSource.ts';
import type { CloseOutcome } from '../domain/reopen.ts';
import type { StageFunnel } from '../domain/stageFunnel.ts';
import type { ChainStage, LeaveReason, SequenceSegment, SequenceState, StepState } from '../domain/sequence.ts';
import type { Status } from '../domain/status.ts';
import type { Variation } from '../domain/variation.ts';

export type { BlastState, CloseOutcome, OptOutSource, PacingPreset, StageFunnel, Status, Variation };

/** A blast's live funnel (GET /api/blasts/:id/report and every blast view). */
export interface Report extends Funnel {
  avg_seconds_to_deliver: number | null;
  avg_seconds_to_read: number | null;
}

export interface BlastRow {
  id: number;
  tag: string | null;
  message: string;
  follow_up_stage: string | null;
  device: string;
  /** The sender pool, primary first. */
  devices: string[];
  state: BlastState;
  scheduled_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  /** Set on a follow-up: the blast it was made from, and the funnel segment it targets. */
  parent_blast_id: number | null;
  segment: string | null;
  total_recipients: number;
  last_error: string | null;
  /** When its recipients were exported to archive_file and deleted (POST /api/archive); the report stays. */
  archived_at: string | null;
  archive_file: string | null;
  /** This blast's own pace; null: the device's. */
  pacing_preset: PacingPreset | null;
  /** Its pace and ETA (GET /api/blasts/:id and the list). */
  plan?: SendPlan;
}

/** A blast's pace and ETA, as GET /api/blasts/:id and the dry run report it (blasts/blastPlan.ts). */
export interface SendPlan {
  preset: PacingPreset;
  summary: string;
  /** Seconds until the last message leaves (0 when nothing is left). */
  eta_seconds: number;
  finishes_at: string | null;
  /** "≈ 4 h 10 m, finishes tomorrow 10:40 because of the send window". */
  eta_text: string;
  /** Sending now would wait (or the sending blast is waiting) for the window to open. */
  waiting_for_window: boolean;
  window_opens_at: string | null;
  /** "waiting for the send window (opens 09:00)" while it is; otherwise null. */
  note: string | null;
}

/** A blast as the API shows it: its row plus the live funnel. */
export type BlastView = BlastRow & { report: Report };

export interface Page {
  total: number;
  limit: number;
  offset: number;
}

export interface BlastList extends Page {
  blasts: BlastView[];
}

export interface InvalidRecipient {
  input: string;
  /** 1-based position in the submitted list (for a CSV: the data row, header not counted). */
  line: number;
  reason: string;
}

/** POST /api/blasts, /api/blasts/upload and follow-ups (a dry run has blast_id null). */
export interface CreateBlastResult {
  success: true;
  blast_id: number | null;
  total_recipients: number;
  invalid: InvalidRecipient[];
  duplicates: number;
  opted_out: number;
  /** Notes that do not stop the blast: numbers outside the default country. Empty when none. */
  warnings: CreateWarning[];
  preview?: Array<{ phone: string; variables: Record<string, string> }>;
  /** Dry run only: who of these was messaged in the last 24 hours (the review step's warning). */
  recently_messaged?: RecentlyMessaged;
  /** Dry run: what sending it now would do. */
  plan?: SendPlan;
  /** Dry run: how many distinct texts the blast sends, a few of them, and a warning when too uniform. */
  variation?: Variation;
}

export interface RecentlyMessaged {
  /** How many of the numbers were sent a message in the last 24 hours, or are queued in a live blast. */
  count: number;
  /** How many of those got (or are about to get) this very message text. */
  same_text: number;
}

/** POST /api/blasts/:id/resend (a dry run counts without requeueing). */
export interface ResendResult {
  success: true;
  requeued: number;
  not_retryable: number;
}

export interface RecipientView {
  id: number;
  blast_id: number;
  phone_number: string;
  status: Status;
  message_id: string | null;
  attempts: number;
  last_error: string | null;
  variables: Record<string, string>;
  message_c2s_timestamp: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  failed_at: string | null;
  close_outcome: CloseOutcome | null;
  close_note: string | null;
  /** The device it went (or will go) out from; null while a new phone waits for the pool to pick one. */
  device: string | null;
  /** Why it failed, is uncertain or was skipped, in one wording per reason (domain/failureReason.ts); last_error keeps the gateway's words. */
  failure_code: FailureCode | null;
  failure_reason: string | null;
}

/** A recipient as the blast page lists it: with its latest reply and whether the number opted out. */
export interface RecipientListItem extends RecipientView {
  last_reply: string | null;
  last_reply_at: string | null;
  reply_count: number;
  opted_out: boolean;
}

export interface RecipientList extends Page {
  recipients: RecipientListItem[];
}

export interface OptOutView {
  phone_number: string;
  reason: string | null;
  source: OptOutSource;
  created_at: string;
}

export interface OptOutList extends Page {
  opt_outs: OptOutView[];
}

/** POST /api/opt-outs/import. */
export interface OptOutImport {
  success: true;
  /** Numbers opted out by this import. */
  added: number;
  /** Valid numbers that were opted out already (their first opt-out is kept). */
  already: number;
  duplicates: number;
  invalid: InvalidRecipient[];
}

/** One reply in the inbox across blasts (GET /api/replies). */
export interface ReplyView {
  id: number;
  recipient_id: number | null;
  blast_id: number | null;
  phone: string;
  /** The recipient's `name` variable (a CSV column), if it has one. */
  name: string | null;
  text: string;
  received_at: string;
  blast_tag: string | null;
  follow_up_stage: string | null;
  /** The message as it was rendered for this recipient. */
  sent_message: string | null;
  status: string | null;
  sent_at: string | null;
  closed_at: string | null;
  outcome: CloseOutcome | null;
  note: string | null;
  opted_out: boolean;
}

export interface ReplyList extends Page {
  replies: ReplyView[];
}

export const CONTACT_TIMES = ['queued_at', 'sent_at', 'delivered_at', 'read_at', 'replied_at', 'closed_at', 'failed_at'] as const;
export type ContactTime = (typeof CONTACT_TIMES)[number];

export interface ContactMessage extends Record<ContactTime, string | null> {
  recipient_id: number;
  blast_id: number;
  blast_tag: string | null;
  follow_up_stage: string | null;
  text: string;
  status: string;
  last_error: string | null;
  /** last_error in one wording per reason (domain/failureReason.ts). */
  failure_reason: string | null;
  outcome: CloseOutcome | null;
  note: string | null;
}

/** GET /api/contacts/:phone: everything known about one number. */
export interface ContactTimeline {
  phone: string;
  name: string | null;
  opted_out: { reason: string | null; source: OptOutSource; created_at: string } | null;
  messages: ContactMessage[];
  replies: Array<{ id: number; recipient_id: number | null; blast_id: number | null; text: string; received_at: string }>;
}

export type ReportGroupBy = 'follow_up_stage' | 'tag' | 'day' | 'device';

export interface FunnelGroup extends StageFunnel {
  /** The stage, tag or device (null for blasts without one), or the day (YYYY-MM-DD in `tz`). */
  key: string | null;
}

/** GET /api/reports/funnel: the funnel across blasts, grouped. */
export interface FunnelReport {
  group_by: ReportGroupBy;
  tz: string;
  from: string | null;
  to: string | null;
  groups: FunnelGroup[];
  total: StageFunnel;
}

/** Whether a device may send now, or is held (token or device trouble, refusals) until a probe passes. */
export type SendingState =
  | { state: 'running' }
  | { state: 'held'; kind: string; reason: string | null; since: string | null; retry_at: string | null; probes_refused: number };

/** POST /api/connection/test-message. */
export interface TestMessageAnswer {
  success: true;
  blast_id: number;
  phone: string;
  /** sent: the gateway took it (message_id); failed / uncertain: as a blast would record it; waiting: not sent within the wait. */
  outcome: 'sent' | 'failed' | 'uncertain' | 'waiting';
  status: string;
  message_id: string | null;
  reason: string | null;
  /** The device's hold when the test was asked for: the message waits for it (resume the device to send now). */
  held: { kind: string; reason: string; retry_in_ms: number } | null;
}

/** GET /api/meta: what the dashboard needs before signing in. */
export interface Meta {
  simulator: boolean;
  auth_required: boolean;
  default_device: string;
  version: string;
}

/** One line of the connection check: ok, a problem (false), or not known (null), and why. */
export interface ConnectionCheck {
  id: string;
  label: string;
  ok: boolean | null;
  detail: string;
}

export interface DeviceSending {
  id: string;
  enabled: boolean;
  sending: SendingState;
}

/** The last webhook WSAPME posted, raw, as the connection page shows it. */
export interface LastWebhookShown {
  id: number;
  received_at: string | null;
  content_type: string | null;
  secret_in: string | null;
  /** What became of its events (applied, waiting, ignored, not_understood), comma-separated. */
  results: string | null;
  body: string;
  decoded: 'json' | 'form' | null;
  truncated: boolean;
}

/** GET /api/connection and `wablast doctor`: does it work, line by line. */
export interface ConnectionReport {
  ok: boolean;
  problems: number;
  checks: ConnectionCheck[];
  webhook: { configured: boolean; url: string | null; masked: boolean; public_url_set: boolean; reminder: string };
  last_webhook: LastWebhookShown | null;
  devices: DeviceSending[];
}

/** What GET /api/devices says about a device's health (the dashboard's health card). */
export interface DeviceHealth {
  /** ok; warning (errors mount, or numbers probably blocked it); paused; held; disabled. */
  status: 'ok' | 'warning' | 'paused' | 'held' | 'disabled';
  sent_today: number;
  daily_cap: number | null;
  paused: { at: string; reason: string | null } | null;
  last_refusal: { at: string; reason: string | null } | null;
  error_rate: { window: number; sends: number; errors: number; rate: number | null; pause_above: number };
  /** Numbers it messaged that stayed undelivered for PROBABLY_BLOCKED_DAYS (list: GET /api/devices/:id/probably-blocked). */
  probably_blocked: number;
  probably_blocked_days: number;
}

/** GET /api/devices, the parts the health cards read. */
export interface DeviceWithHealth {
  id: string;
  label: string | null;
  enabled: boolean;
  sending: SendingState;
  health: DeviceHealth;
}

/** GET /api/devices/:id/probably-blocked. */
export interface ProbablyBlockedList {
  device: string;
  days: number;
  numbers: Array<{ phone_number: string; sent_at: string; blast_id: number; recipient_id: number }>;
  total: number;
}

/** One step of a sequence (GET /api/blasts/:id/sequence). */
export interface StepView {
  position: number;
  segment: SequenceSegment;
  delay_seconds: number;
  message: string;
  follow_up_stage: string | null;
  state: StepState;
  /**
   * When it falls (or fell) due. Known for created steps and for the next waiting one once the
   * blast it follows has finished sending; null for later steps (their delay starts when the
   * step before them has finished sending).
   */
  due_at: string | null;
  blast_id: number | null;
  created_at: string | null;
  recipients: number | null;
  note: string | null;
  /** The step blast's funnel, once created. */
  counts: Report | null;
}

/** GET/PUT /api/blasts/:id/sequence. */
export interface SequenceView {
  blast_id: number;
  state: SequenceState;
  created_at: string;
  updated_at: string;
  /** The blast whose sending the next step waits to finish (null once it has, or when nothing waits). */
  waiting_for_blast_id: number | null;
  steps: StepView[];
  members: {
    total: number;
    /** Still following the sequence. */
    active: number;
    left: Record<LeaveReason, number>;
    /** Newer sequences that took phones over from this one. */
    taken_over_by: Array<{ blast_id: number; members: number }>;
  };
}

/** GET /api/blasts/:id/sequence/report: the whole chain. */
export interface ChainReport {
  blast_id: number;
  /** The root blast's recipients, and how many of them were sent. */
  original_recipients: number;
  sent: number;
  /** Of those, how many replied to any message of the chain, and as a fraction of sent. */
  replied: number;
  reply_rate: number;
  stages: Array<ChainStage & { blast_id: number; follow_up_stage: string | null; segment: string | null }>;
}
