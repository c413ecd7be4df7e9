import { z } from 'zod';
import { LEAVE_REASONS, SEQUENCE_SEGMENTS, SEQUENCE_STATES } from '../domain/sequence.ts';
import { instant, success } from './answerParts.ts';
import { reportAnswer } from './blastAnswers.ts';

/** The answers about a blast's sequence of automatic follow-ups. */
export const sequenceState = z.enum(SEQUENCE_STATES);

/** One step of a sequence (GET /api/blasts/:id/sequence). */
export const stepAnswer = z.object({
  position: z.number(),
  segment: z.enum(SEQUENCE_SEGMENTS),
  delay_seconds: z.number(),
  message: z.string(),
  follow_up_stage: z.string().nullable(),
  state: z.enum(['waiting', 'created', 'cancelled']),
  blast_id: z.number().nullable(),
  created_at: instant().nullable(),
  recipients: z.number().nullable(),
  note: z.string().nullable(),
  /**
   * When it falls (or fell) due. Known for created steps and for the next waiting one once the
   * blast it follows has finished sending; null for later steps (their delay starts when the
   * step before them has finished sending).
   */
  due_at: instant().nullable(),
  /** The step blast's funnel, once created. */
  counts: reportAnswer.nullable(),
});

/** GET/PUT /api/blasts/:id/sequence. */
export const sequenceAnswer = z.object({
  blast_id: z.number(),
  state: sequenceState,
  created_at: instant(),
  updated_at: instant(),
  /** The blast whose sending the next step waits to finish (null once it has, or when nothing waits). */
  waiting_for_blast_id: z.number().nullable(),
  steps: z.array(stepAnswer),
  members: z.object({
    total: z.number(),
    /** Still following the sequence. */
    active: z.number(),
    left: z.record(z.enum(LEAVE_REASONS), z.number()),
    /** Newer sequences that took phones over from this one. */
    taken_over_by: z.array(z.object({ blast_id: z.number(), members: z.number() })),
  }),
});

/** The chain's stages (domain/sequence.ts chainStages) with the blast each one is. */
export const chainStageAnswer = z.object({
  position: z.number(),
  sent: z.number(),
  read: z.number(),
  replied: z.number(),
  cumulative_replied: z.number(),
  cumulative_reply_rate: z.number(),
});

/** GET /api/blasts/:id/sequence/report: the whole chain. */
export const chainReportAnswer = z.object({
  blast_id: z.number(),
  /** The root blast's recipients, and how many of them were sent. */
  original_recipients: z.number(),
  sent: z.number(),
  /** Of those, how many replied to any message of the chain, and as a fraction of sent. */
  replied: z.number(),
  reply_rate: z.number(),
  stages: z.array(
    chainStageAnswer.extend({ blast_id: z.number(), follow_up_stage: z.string().nullable(), segment: z.string().nullable() }),
  ),
});

/** Pause, resume, cancel of a sequence: the state it is in now. */
export const sequenceStateAnswer = success.extend({ state: sequenceState });
