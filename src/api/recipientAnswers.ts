import { z } from 'zod';
import { FAILURE_REASONS, type FailureCode } from '../domain/failureReason.ts';
import { CLOSE_OUTCOMES } from '../domain/reopen.ts';
import { STATUSES } from '../domain/status.ts';
import { instant, page, success } from './answerParts.ts';

/** The answers about recipients: one recipient, a blast's list of them, closing a lead. */
export const status = z.enum(STATUSES);
export const closeOutcome = z.enum(CLOSE_OUTCOMES);
const failureCode = z.enum(Object.keys(FAILURE_REASONS) as [FailureCode, ...FailureCode[]]);

export const recipientAnswer = z.object({
  id: z.number(),
  blast_id: z.number(),
  phone_number: z.string(),
  status,
  message_id: z.string().nullable(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  variables: z.record(z.string(), z.string()),
  /** The gateway's own time of the send, as it wrote it. */
  message_c2s_timestamp: z.string().nullable(),
  sent_at: instant().nullable(),
  delivered_at: instant().nullable(),
  read_at: instant().nullable(),
  replied_at: instant().nullable(),
  closed_at: instant().nullable(),
  failed_at: instant().nullable(),
  close_outcome: closeOutcome.nullable(),
  close_note: z.string().nullable(),
  /** The device it went (or will go) out from; null while a new phone waits for the pool to pick one. */
  device: z.string().nullable(),
  /** Why it failed, is uncertain or was skipped, in one wording per reason (domain/failureReason.ts); last_error keeps the gateway's words. */
  failure_code: failureCode.nullable(),
  failure_reason: z.string().nullable(),
});

/** A recipient as the blast page lists it: with its latest reply and whether the number opted out. */
export const recipientListItemAnswer = recipientAnswer.extend({
  last_reply: z.string().nullable(),
  last_reply_at: instant().nullable(),
  reply_count: z.number(),
  opted_out: z.boolean(),
});

export const recipientListAnswer = z.object({ recipients: z.array(recipientListItemAnswer), ...page.shape });

/** Close and reopen: the recipient as it is now. */
export const closeAnswer = success.extend({ recipient: recipientAnswer });

/** POST /api/blasts/:id/check-status (engine/poller.ts). */
export const checkStatusAnswer = z.object({
  checked: z.number(),
  updated: z.number(),
  /** Whether the gateway answers status lookups; `unavailable` with the gateway's last words. */
  lookup: z.enum(['available', 'unavailable']),
  reason: z.string().optional(),
});
