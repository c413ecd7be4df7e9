/**
 * The blast state machine, the one table of it. Every UPDATE of `blasts.state` takes its `from`
 * states from here (blasts/lifecycle.ts for what a person does, send/blastTransitions.ts for
 * what time and the engine do), and test/unit/blastStates.test.ts checks the table's shape.
 *
 *   draft ──send──▶ scheduled ──start (its time)──▶ sending ──complete──▶ completed
 *     │  └─────────────send (no time, or past)──────▶ ▲ │ ▲                    │
 *     │                 │                   resume │ │ pause              resend
 *     │               pause                        │ ▼ │                    │
 *     │                 └──────────────────────▶ paused  ◀─── (sending) ◀───┘
 *     └──────────── cancel (from draft, scheduled, sending, paused) ──▶ cancelled
 */
export const BLAST_STATES = ['draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled'] as const;

export type BlastState = (typeof BLAST_STATES)[number];

interface Transition {
  /** Who makes the move: a person through the API/CLI/dashboard, or the engine. */
  by: 'person' | 'engine';
  from: readonly BlastState[];
  to: readonly BlastState[];
}

export const BLAST_TRANSITIONS = {
  /** `scheduled` when scheduled_at is in the future, else `sending`. */
  send: { by: 'person', from: ['draft'], to: ['scheduled', 'sending'] },
  start: { by: 'engine', from: ['scheduled'], to: ['sending'] },
  pause: { by: 'person', from: ['sending', 'scheduled'], to: ['paused'] },
  resume: { by: 'person', from: ['paused'], to: ['sending'] },
  cancel: { by: 'person', from: ['draft', 'scheduled', 'sending', 'paused'], to: ['cancelled'] },
  complete: { by: 'engine', from: ['sending'], to: ['completed'] },
  /** Resending UNCERTAIN or FAILED recipients reopens a completed blast; other states keep theirs. */
  resend: { by: 'person', from: ['completed'], to: ['sending'] },
} as const satisfies Record<string, Transition>;

export type BlastAction = keyof typeof BLAST_TRANSITIONS;

/** States nothing moves out of (resend aside, which a person asks for). */
export const FINAL_STATES: readonly BlastState[] = ['completed', 'cancelled'];

export function canTransition(action: BlastAction, from: BlastState): boolean {
  return (BLAST_TRANSITIONS[action].from as readonly BlastState[]).includes(from);
}
