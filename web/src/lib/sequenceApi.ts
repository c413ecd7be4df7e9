import { request } from './request.ts';
import type { ChainReport, SequenceView, StepView } from '@api/contract.ts';
import type { LeaveReason, SequenceState } from '@domain/sequence.ts';

import { SEQUENCE_SEGMENTS, type SequenceSegment } from '@domain/sequence.ts';

/** The segments a sequence step may target: the server's list. */
export { SEQUENCE_SEGMENTS, type SequenceSegment };

export interface SequenceStepInput {
  segment: SequenceSegment;
  delay_seconds: number;
  message: string;
  follow_up_stage: string | null;
}

export type { ChainReport, LeaveReason, SequenceState };
/** The server's answers (src/api/contract.ts), under the names the panel uses. */
export type SequenceStep = StepView;
export type Sequence = SequenceView;
export type ChainStage = ChainReport['stages'][number];

export const sequenceApi = {
  get: (id: number) => request<Sequence>('GET', `/api/blasts/${id}/sequence`),
  put: (id: number, steps: SequenceStepInput[]) => request<Sequence>('PUT', `/api/blasts/${id}/sequence`, { steps }),
  act: (id: number, action: 'pause' | 'resume' | 'cancel') =>
    request<{ success: boolean; state: SequenceState }>('POST', `/api/blasts/${id}/sequence/${action}`),
  report: (id: number) => request<ChainReport>('GET', `/api/blasts/${id}/sequence/report`),
};

/** Delays are entered in minutes, hours or days and stored in seconds. */
export const DELAY_UNITS = [
  ['minutes', 60],
  ['hours', 3600],
  ['days', 86_400],
] as const;
export type DelayUnit = (typeof DELAY_UNITS)[number][0];

/** Seconds as the largest unit that divides them: 172800 → 2 days, 5400 → 90 minutes. */
export function splitDelay(seconds: number): { amount: number; unit: DelayUnit } {
  for (const [unit, n] of [...DELAY_UNITS].reverse()) if (seconds % n === 0 && seconds > 0) return { amount: seconds / n, unit };
  return { amount: Math.round(seconds / 60), unit: 'minutes' };
}

export function delayText(seconds: number): string {
  const { amount, unit } = splitDelay(seconds);
  return `${amount} ${amount === 1 ? unit.slice(0, -1) : unit}`;
}
