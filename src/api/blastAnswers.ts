import { z } from 'zod';
import { BLAST_STATES } from '../blasts/blastStates.ts';
import { PACING_PRESETS } from '../domain/pacingRules.ts';
import { instant, page, success } from './answerParts.ts';

/** The answers about blasts: the funnel, the pace, a blast, creating one, its lifecycle. */
export const blastState = z.enum(BLAST_STATES);
export const pacingPreset = z.enum(PACING_PRESETS);

const rates = z.object({ received: z.number(), read: z.number(), replied: z.number(), closed: z.number() });

/** A blast's cumulative funnel (domain/funnel.ts): rates are fractions of sent. */
export const funnelAnswer = z.object({
  total: z.number(),
  queued: z.number(),
  sending: z.number(),
  sent: z.number(),
  received: z.number(),
  read: z.number(),
  replied: z.number(),
  closed: z.number(),
  failed: z.number(),
  uncertain: z.number(),
  skipped: z.number(),
  rates,
});

/** A blast's live funnel (GET /api/blasts/:id/report and every blast view). */
export const reportAnswer = funnelAnswer.extend({
  avg_seconds_to_deliver: z.number().nullable(),
  avg_seconds_to_read: z.number().nullable(),
});

/** A blast's pace and ETA, as GET /api/blasts/:id and the dry run report it (blasts/blastPlan.ts). */
export const sendPlanAnswer = z.object({
  preset: pacingPreset,
  summary: z.string(),
  /** Seconds until the last message leaves (0 when nothing is left). */
  eta_seconds: z.number(),
  finishes_at: instant().nullable(),
  /** "≈ 4 h 10 m, finishes tomorrow 10:40 because of the send window". */
  eta_text: z.string(),
  /** Sending now would wait (or the sending blast is waiting) for the window to open. */
  waiting_for_window: z.boolean(),
  window_opens_at: instant().nullable(),
  /** "waiting for the send window (opens 09:00)" while it is; otherwise null. */
  note: z.string().nullable(),
});

export const blastRowAnswer = z.object({
  id: z.number(),
  tag: z.string().nullable(),
  message: z.string(),
  follow_up_stage: z.string().nullable(),
  device: z.string(),
  /** The sender pool, primary first. */
  devices: z.array(z.string()),
  state: blastState,
  scheduled_at: instant().nullable(),
  started_at: instant().nullable(),
  completed_at: instant().nullable(),
  created_at: instant(),
  /** Set on a follow-up: the blast it was made from, and the funnel segment it targets. */
  parent_blast_id: z.number().nullable(),
  segment: z.string().nullable(),
  total_recipients: z.number(),
  last_error: z.string().nullable(),
  /** When its recipients were exported to archive_file and deleted (POST /api/archive); the report stays. */
  archived_at: instant().nullable(),
  archive_file: z.string().nullable(),
  /** This blast's own pace; null: the device's. */
  pacing_preset: pacingPreset.nullable(),
  /** Its pace and ETA (GET /api/blasts/:id and the list). */
  plan: sendPlanAnswer.optional(),
});

/** A blast as the API shows it: its row plus the live funnel (and its pace, where asked). */
export const blastViewAnswer = blastRowAnswer.omit({ plan: true }).extend({ report: reportAnswer, plan: blastRowAnswer.shape.plan });

export const blastListAnswer = z.object({ blasts: z.array(blastViewAnswer), ...page.shape });

export const invalidRecipientAnswer = z.object({
  input: z.string(),
  /** 1-based position in the submitted list (for a CSV: the data row, header not counted). */
  line: z.number(),
  reason: z.string(),
});

/** A note that does not stop the blast (domain/countryNote.ts). */
export const createWarningAnswer = z.object({
  code: z.literal('outside_default_country'),
  message: z.string(),
  count: z.number(),
  by_country: z.record(z.string(), z.number()),
  examples: z.array(z.object({ line: z.number(), phone: z.string() })),
});

/** How varied a blast's texts are (domain/variation.ts). */
export const variationAnswer = z.object({
  distinct: z.number(),
  possible: z.number(),
  largest_identical: z.number(),
  samples: z.array(z.object({ phone: z.string(), text: z.string() })),
  warning: z.string().nullable(),
});

export const recentlyMessagedAnswer = z.object({
  /** How many of the numbers were sent a message in the last 24 hours, or are queued in a live blast. */
  count: z.number(),
  /** How many of those got (or are about to get) this very message text. */
  same_text: z.number(),
});

/** POST /api/blasts, /api/blasts/upload and follow-ups (a dry run has blast_id null). */
export const createBlastAnswer = success.extend({
  blast_id: z.number().nullable(),
  invalid: z.array(invalidRecipientAnswer),
  duplicates: z.number(),
  opted_out: z.number(),
  total_recipients: z.number(),
  /** Notes that do not stop the blast: numbers outside the default country. Empty when none. */
  warnings: z.array(createWarningAnswer),
  preview: z.array(z.object({ phone: z.string(), variables: z.record(z.string(), z.string()) })).optional(),
  /** Dry run only: who of these was messaged in the last 24 hours (the review step's warning). */
  recently_messaged: recentlyMessagedAnswer.optional(),
  /** Dry run: how many distinct texts the blast sends, a few of them, and a warning when too uniform. */
  variation: variationAnswer.optional(),
  /** Dry run: what sending it now would do. */
  plan: sendPlanAnswer.optional(),
});

/** POST /api/blasts/:id/resend (a dry run counts without requeueing). */
export const resendAnswer = success.extend({ requeued: z.number(), not_retryable: z.number() });

/** POST /api/blasts/:id/send: where the blast stands (at the end with ?wait=true). */
export const sendAnswer = success.extend({
  sent: z.number(),
  failed: z.number(),
  queued: z.number(),
  uncertain: z.number(),
  state: blastState,
});

/** Pause, resume, cancel: the state the blast is in now. */
export const blastStateAnswer = success.extend({ state: blastState });

/** POST /api/archive (archive/archiveBlasts.ts). */
export const archiveAnswer = z.object({
  before: z.string(),
  blasts: z.array(z.object({ blast_id: z.number(), exported: z.number(), deleted: z.number(), file: z.string() })),
  exported: z.number(),
  deleted: z.number(),
});
