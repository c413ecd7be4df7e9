import type { Segment } from './segments.ts';

/**
 * The rules of a sequence (issue 14), pure: which segments a step may target, why a member leaves,
 * what an edit of a running sequence may change, and the chain's reply rates.
 */

/**
 * The follow-up segments (domain/segments.ts) a step may use. `replied_not_closed` and
 * `failed` are left out on purpose: a reply or a failure takes a recipient out of the sequence,
 * so a step aimed at them would always be empty. Use a one-off follow-up for those.
 */
export const SEQUENCE_SEGMENTS = [
  'not_received',
  'received_not_read',
  'read_not_replied',
  'not_replied',
] as const satisfies readonly Segment[];
export type SequenceSegment = (typeof SEQUENCE_SEGMENTS)[number];

export const SEQUENCE_STATES = ['running', 'paused', 'cancelled', 'completed'] as const;
export type SequenceState = (typeof SEQUENCE_STATES)[number];

export type StepState = 'waiting' | 'created' | 'cancelled';

/**
 * Why a member left, in the order they are checked (the first that holds is recorded):
 * an opt-out outranks everything, a close outranks the reply before it, a reply proves the
 * message arrived so it outranks a failed or uncertain send. `skipped`: their last message was
 * never sent (the blast was cancelled). `taken_over`: a newer sequence took the phone.
 * `cancelled` and `finished`: the sequence itself ended.
 */
export const LEAVE_REASONS = [
  'opted_out',
  'closed',
  'replied',
  'failed',
  'uncertain',
  'skipped',
  'taken_over',
  'cancelled',
  'finished',
] as const;
export type LeaveReason = (typeof LEAVE_REASONS)[number];

/** Limits on what a sequence takes (README: Sequences). */
export const SEQUENCE_LIMITS = { steps: 10, delaySeconds: 365 * 24 * 3600 } as const;

export interface StepSpec {
  segment: SequenceSegment;
  delaySeconds: number;
  message: string;
  followUpStage: string | null;
}

export type EditPlan = { ok: true; waiting: StepSpec[] } | { ok: false; position: number; why: string };

/**
 * An edit of a sequence whose first steps were already created: those are history (their blasts
 * went out), so the new list must start with them unchanged; only what follows replaces the
 * steps not yet created. Returns the steps to keep waiting, or which position the edit may not touch.
 */
export function planEdit(created: readonly StepSpec[], proposed: readonly StepSpec[]): EditPlan {
  if (proposed.length < created.length) {
    return { ok: false, position: proposed.length + 1, why: `step ${proposed.length + 1} was already created and cannot be removed` };
  }
  for (let i = 0; i < created.length; i++) {
    const was = created[i]!;
    const now = proposed[i]!;
    const changed = (['segment', 'delaySeconds', 'message', 'followUpStage'] as const).filter((k) => was[k] !== now[k]);
    if (changed.length)
      return {
        ok: false,
        position: i + 1,
        why: `step ${i + 1} was already created; its ${changed.map(fieldName).join(', ')} cannot change`,
      };
  }
  return { ok: true, waiting: proposed.slice(created.length) };
}

const fieldName = (k: keyof StepSpec): string =>
  ({ segment: 'segment', delaySeconds: 'delay_seconds', message: 'message', followUpStage: 'follow_up_stage' })[k];

/** When a step falls due: its delay after the moment the blast it follows finished sending. */
export function dueAt(anchorAt: Date | null, delaySeconds: number): Date | null {
  return anchorAt ? new Date(anchorAt.getTime() + delaySeconds * 1000) : null;
}

export interface ChainStageCounts {
  position: number;
  sent: number;
  read: number;
  replied: number;
  /** Members whose first reply was to this stage's message. */
  firstReplies: number;
}

export interface ChainStage extends Omit<ChainStageCounts, 'firstReplies'> {
  cumulative_replied: number;
  cumulative_reply_rate: number;
}

/**
 * The cumulative reply rate after each stage: how many of the root's sent recipients had replied
 * to any message of the chain up to and including it, over the root's sent (0 when nothing was sent).
 */
export function chainStages(stages: readonly ChainStageCounts[], rootSent: number): ChainStage[] {
  let cumulative = 0;
  return [...stages]
    .sort((a, b) => a.position - b.position)
    .map(({ firstReplies, ...s }) => {
      cumulative += firstReplies;
      return { ...s, cumulative_replied: cumulative, cumulative_reply_rate: rate(cumulative, rootSent) };
    });
}

export const rate = (x: number, of: number): number => (of === 0 ? 0 : Math.round((x / of) * 10_000) / 10_000);

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A delay as people type it: `90m`, `36h`, `2d`, `1d12h`, `1w`. A bare number is refused: hours or
 * days would both be plausible. Returns seconds, or null when it is not a delay.
 */
export function parseDelay(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (!/^(\d+\s*[smhdw]\s*)+$/.test(t)) return null;
  let total = 0;
  for (const m of t.matchAll(/(\d+)\s*([smhdw])/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return Number.isSafeInteger(total) ? total : null;
}

/** Seconds as the largest whole units: 172800 → "2d", 5400 → "1h30m", 0 → "0s". */
export function formatDelay(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const [unit, n] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${unit}`;
      rest %= n;
    }
  }
  return out;
}
