import { z } from 'zod';
import { SEQUENCE_LIMITS, SEQUENCE_SEGMENTS, type StepSpec } from '../domain/sequence.ts';
import { createBlastBody } from './schemas.ts';

/** PUT /api/blasts/:id/sequence. The delay is seconds after the previous step finished sending. */
export const sequenceStepBody = z.strictObject({
  segment: z.enum(SEQUENCE_SEGMENTS, {
    message: `must be one of ${SEQUENCE_SEGMENTS.join(', ')} (a reply or a failure ends a sequence, so replied_not_closed and failed take no step)`,
  }),
  delay_seconds: z
    .number({ message: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must not be negative')
    .max(SEQUENCE_LIMITS.delaySeconds, `must be at most ${SEQUENCE_LIMITS.delaySeconds} (a year)`),
  message: createBlastBody.shape.message,
  follow_up_stage: createBlastBody.shape.follow_up_stage,
});

export const sequenceBody = z.strictObject({
  steps: z
    .array(sequenceStepBody)
    .min(1, 'must list at least one step (to stop a sequence, cancel it)')
    .max(SEQUENCE_LIMITS.steps, `at most ${SEQUENCE_LIMITS.steps} steps`),
});

export function toStepSpecs(body: z.infer<typeof sequenceBody>): StepSpec[] {
  return body.steps.map((s) => ({
    segment: s.segment,
    delaySeconds: s.delay_seconds,
    message: s.message,
    followUpStage: s.follow_up_stage || null,
  }));
}
