import { request } from './api.ts';
import type { Report } from './types.ts';

import { SEQUENCE_SEGMENTS, type SequenceSegment } from '../../../src/domain/sequence.ts';

/** The segments a sequence step may target: the server's list. */
export { SEQUENCE_SEGMENTS, type SequenceSegment };
export type SequenceState = 'running' | 'paused' | 'cancelled' | 'completed';
export type LeaveReason = 'opted_out' | 'closed' | 'replied' | 'failed' | 'uncertain' | 'skipped' | 'taken_over' | 'cancelled' | 'finished';

export interface SequenceStepInput {
  segment: SequenceSegment;
  delay_seconds: number;
  message: string;
  follow_up_stage: string | null;
}

export interface SequenceStep extends SequenceStepInput {
  position: number;
  state: 'waiting' | 'created' | 'cancelled';
  due_at: string | null;
  blast_id: number | null;
  created_at: string | null;
  recipients: number | null;
  note: string | null;
  counts: Report | null;
}

export interface Sequence {
  blast_id: number;
  state: SequenceState;
  created_at: string;
  updated_at: string;
  waiting_for_blast_id: number | null;
  steps: SequenceStep[];
  members: {
    total: number;
    active: number;
    left: Record<LeaveReason, number>;
    taken_over_by: Array<{ blast_id: number; members: number }>;
  };
}

export interface ChainStage {
  position: number;
  blast_id: number;
  follow_up_stage: string | null;
  segment: string | null;
  sent: number;
  read: number;
  replied: number;
  cumulative_replied: number;
  cumulative_reply_rate: number;
}

export interface ChainReport {
  blast_id: number;
  original_recipients: number;
  sent: number;
  replied: number;
  reply_rate: number;
  stages: ChainStage[];
}

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
