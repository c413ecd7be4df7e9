import { DELAY_UNITS, type DelayUnit, type SequenceSegment, type SequenceStepInput, splitDelay } from './sequenceApi.ts';

/** A step of a sequence not created yet, as its editor holds it (the delay as typed). */
export interface SequenceDraft {
  /** Stable while the steps around it are added and removed. */
  id: number;
  segment: SequenceSegment;
  amount: string;
  unit: DelayUnit;
  message: string;
  stage: string;
}

const UNIT_SECONDS = Object.fromEntries(DELAY_UNITS) as Record<DelayUnit, number>;

let lastDraftId = 0;

/** A saved step, to edit. */
export function toDraft(s: SequenceStepInput): SequenceDraft {
  const d = splitDelay(s.delay_seconds);
  return {
    id: ++lastDraftId,
    segment: s.segment,
    amount: String(d.amount),
    unit: d.unit,
    message: s.message,
    stage: s.follow_up_stage ?? '',
  };
}

/** A new step, the `n`th of the sequence. */
export const blankDraft = (n: number): SequenceDraft => ({
  id: ++lastDraftId,
  segment: 'not_replied',
  amount: '1',
  unit: 'days',
  message: '',
  stage: `Follow-up ${n}`,
});

/** The step to save (its amount already checked to be a whole number). */
export const fromDraft = (d: SequenceDraft): SequenceStepInput => ({
  segment: d.segment,
  delay_seconds: Number(d.amount) * UNIT_SECONDS[d.unit],
  message: d.message,
  follow_up_stage: d.stage.trim() || null,
});
