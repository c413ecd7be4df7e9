import { describe, expect, it } from 'vitest';
import { BLAST_STATES, BLAST_TRANSITIONS, type BlastState, FINAL_STATES, canTransition } from '../../src/blasts/blastStates.ts';

const moves = Object.entries(BLAST_TRANSITIONS) as Array<
  [keyof typeof BLAST_TRANSITIONS, (typeof BLAST_TRANSITIONS)[keyof typeof BLAST_TRANSITIONS]]
>;

describe('the blast state machine', () => {
  it('names only real states', () => {
    for (const [, t] of moves) for (const s of [...t.from, ...t.to]) expect(BLAST_STATES).toContain(s);
  });

  it('reaches every state from draft', () => {
    const seen = new Set<BlastState>(['draft']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [, t] of moves)
        if (t.from.some((f) => seen.has(f)))
          for (const to of t.to)
            if (!seen.has(to)) {
              seen.add(to);
              grew = true;
            }
    }
    expect([...seen].sort()).toEqual([...BLAST_STATES].sort());
  });

  it('lets a person cancel anything not final, and nothing leaves cancelled', () => {
    for (const s of BLAST_STATES) expect(canTransition('cancel', s), s).toBe(!FINAL_STATES.includes(s));
    for (const [, t] of moves) expect(t.from).not.toContain('cancelled');
  });

  it('leaves completion and the scheduled start to the engine', () => {
    expect(BLAST_TRANSITIONS.complete.by).toBe('engine');
    expect(BLAST_TRANSITIONS.start.by).toBe('engine');
    expect(canTransition('complete', 'paused')).toBe(false);
    expect(canTransition('resend', 'completed')).toBe(true);
  });
});
