/** The dashboard's pure helpers: the blast list's follow-up tree and the time left while sending. */
import { describe, expect, it } from 'vitest';
import { remainingSeconds } from '../../web/src/lib/eta.ts';
import { groupBlasts } from '../../web/src/lib/groupBlasts.ts';
import type { Blast } from '../../web/src/lib/types.ts';

const blast = (id: number, parent: number | null = null) => ({ id, parent_blast_id: parent }) as Blast;

describe('groupBlasts', () => {
  it('puts each follow-up under its parent, oldest first, keeping the top level newest first', () => {
    // Newest first, as the API lists them; 5 follows up 3, which (like 4) follows up 1.
    const tree = groupBlasts([blast(6), blast(5, 3), blast(4, 1), blast(3, 1), blast(2), blast(1)]);
    const shape = (g: ReturnType<typeof groupBlasts>): unknown => g.map((x) => [x.blast.id, shape(x.followUps)]);
    expect(shape(tree)).toEqual([
      [6, []],
      [2, []],
      [
        1,
        [
          [3, [[5, []]]],
          [4, []],
        ],
      ],
    ]);
  });

  it('leaves a follow-up whose parent is on another page at the top', () => {
    expect(groupBlasts([blast(9, 2), blast(8)]).map((g) => g.blast.id)).toEqual([9, 8]);
  });
});

describe('remainingSeconds', () => {
  it('is the time left at the pace seen so far', () => {
    expect(remainingSeconds({ at: 0, done: 10 }, { at: 10_000, done: 30 }, 130)).toBe(50);
    expect(remainingSeconds({ at: 0, done: 0 }, { at: 4000, done: 100 }, 100)).toBe(0);
  });

  it('says nothing until there is a pace: too soon, or no progress', () => {
    expect(remainingSeconds({ at: 0, done: 0 }, { at: 1000, done: 5 }, 100)).toBeNull();
    expect(remainingSeconds({ at: 0, done: 5 }, { at: 9000, done: 5 }, 100)).toBeNull();
  });
});
