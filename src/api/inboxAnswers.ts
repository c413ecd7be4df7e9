import { z } from 'zod';
import { OPT_OUT_SOURCES } from '../domain/optOutSource.ts';
import { STAGES } from '../domain/stageFunnel.ts';
import { instant, page, success } from './answerParts.ts';
import { invalidRecipientAnswer } from './blastAnswers.ts';
import { closeOutcome } from './recipientAnswers.ts';

/** The answers of the inbox across blasts, a number's timeline, the opt-outs and the funnel across blasts. */
export const optOutSource = z.enum(OPT_OUT_SOURCES);

/** One reply in the inbox across blasts (GET /api/replies). */
export const replyAnswer = z.object({
  id: z.number(),
  recipient_id: z.number().nullable(),
  blast_id: z.number().nullable(),
  phone: z.string(),
  /** The recipient's `name` variable (a CSV column), if it has one. */
  name: z.string().nullable(),
  text: z.string(),
  received_at: instant(),
  blast_tag: z.string().nullable(),
  follow_up_stage: z.string().nullable(),
  /** The message as it was rendered for this recipient. */
  sent_message: z.string().nullable(),
  status: z.string().nullable(),
  sent_at: instant().nullable(),
  closed_at: instant().nullable(),
  outcome: closeOutcome.nullable(),
  note: z.string().nullable(),
  opted_out: z.boolean(),
});

export const replyListAnswer = z.object({ replies: z.array(replyAnswer), ...page.shape });

export const CONTACT_TIMES = ['queued_at', 'sent_at', 'delivered_at', 'read_at', 'replied_at', 'closed_at', 'failed_at'] as const;

const contactTime = instant().nullable();
const contactTimes = Object.fromEntries(CONTACT_TIMES.map((t) => [t, contactTime])) as Record<
  (typeof CONTACT_TIMES)[number],
  typeof contactTime
>;

export const contactMessageAnswer = z.object({
  recipient_id: z.number(),
  blast_id: z.number(),
  blast_tag: z.string().nullable(),
  follow_up_stage: z.string().nullable(),
  status: z.string(),
  last_error: z.string().nullable(),
  outcome: closeOutcome.nullable(),
  note: z.string().nullable(),
  ...contactTimes,
  /** last_error in one wording per reason (domain/failureReason.ts). */
  failure_reason: z.string().nullable(),
  /** The message as it was rendered for this number. */
  text: z.string(),
});

/** GET /api/contacts/:phone: everything known about one number. */
export const contactTimelineAnswer = z.object({
  phone: z.string(),
  name: z.string().nullable(),
  opted_out: z.object({ reason: z.string().nullable(), source: optOutSource, created_at: instant() }).nullable(),
  messages: z.array(contactMessageAnswer),
  replies: z.array(
    z.object({
      id: z.number(),
      recipient_id: z.number().nullable(),
      blast_id: z.number().nullable(),
      text: z.string(),
      received_at: instant(),
    }),
  ),
});

export const optOutAnswer = z.object({
  phone_number: z.string(),
  reason: z.string().nullable(),
  source: optOutSource,
  created_at: instant(),
});

export const optOutListAnswer = z.object({ opt_outs: z.array(optOutAnswer), ...page.shape });

/** POST /api/opt-outs: 201 when the number is new to the list, 200 when it was on it already. */
export const addOptOutAnswer = success.extend({ phone_number: z.string(), added: z.boolean() });

/** POST /api/opt-outs/import. */
export const optOutImportAnswer = success.extend({
  /** Numbers opted out by this import. */
  added: z.number(),
  /** Valid numbers that were opted out already (their first opt-out is kept). */
  already: z.number(),
  duplicates: z.number(),
  invalid: z.array(invalidRecipientAnswer),
});

export const reportGroupBy = z.enum(['follow_up_stage', 'tag', 'day', 'device']);

const stageRates = z.object({ received: z.number(), read: z.number(), replied: z.number(), closed: z.number() });
/** The funnel of a report across blasts (domain/stageFunnel.ts): each rate is the step from the stage before. */
export const stageFunnelAnswer = z.object({
  ...(Object.fromEntries(STAGES.map((s) => [s, z.number()])) as Record<(typeof STAGES)[number], z.ZodNumber>),
  rates: stageRates,
});

export const funnelGroupAnswer = z.object({
  /** The stage, tag or device (null for blasts without one), or the day (YYYY-MM-DD in `tz`). */
  key: z.string().nullable(),
  ...stageFunnelAnswer.shape,
});

/** GET /api/reports/funnel: the funnel across blasts, grouped. */
export const funnelReportAnswer = z.object({
  group_by: reportGroupBy,
  tz: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  groups: z.array(funnelGroupAnswer),
  total: stageFunnelAnswer,
});
