import { describe, expect, it } from 'vitest';
import { type StepSpec, chainStages, dueAt, formatDelay, parseDelay, planEdit } from '../../src/domain/sequence.ts';
import { parseStepsFile } from '../../src/cli/sequences.ts';

const step = (message: string, delaySeconds = 86_400): StepSpec => ({
  segment: 'not_replied',
  delaySeconds,
  message,
  followUpStage: 'Follow-up 1',
});

describe('sequence rules', () => {
  it('an edit keeps the created steps unchanged and replaces only the rest', () => {
    const created = [step('One')];
    expect(planEdit(created, [step('One'), step('Two'), step('Three')])).toEqual({ ok: true, waiting: [step('Two'), step('Three')] });
    expect(planEdit([], [step('Anything')])).toEqual({ ok: true, waiting: [step('Anything')] });
    expect(planEdit(created, [step('One')])).toEqual({ ok: true, waiting: [] });
    expect(planEdit(created, [step('Changed')])).toEqual({
      ok: false,
      position: 1,
      why: 'step 1 was already created; its message cannot change',
    });
    expect(planEdit(created, [{ ...step('One', 60), segment: 'read_not_replied' }])).toMatchObject({
      ok: false,
      why: 'step 1 was already created; its segment, delay_seconds cannot change',
    });
    expect(planEdit([step('One'), step('Two')], [step('One')])).toEqual({
      ok: false,
      position: 2,
      why: 'step 2 was already created and cannot be removed',
    });
  });

  it('a step falls due its delay after the blast it follows finished sending; unknown until then', () => {
    expect(dueAt(new Date('2026-12-01T09:00:00Z'), 36 * 3600)?.toISOString()).toBe('2026-12-02T21:00:00.000Z');
    expect(dueAt(null, 60)).toBeNull();
  });

  it('the cumulative reply rate counts each person once, at their first reply, over the root sent', () => {
    const stages = chainStages(
      [
        { position: 1, sent: 70, read: 40, replied: 10, firstReplies: 9 },
        { position: 0, sent: 100, read: 60, replied: 20, firstReplies: 20 },
        { position: 2, sent: 50, read: 20, replied: 5, firstReplies: 5 },
      ],
      100,
    );
    expect(stages.map((s) => [s.position, s.cumulative_replied, s.cumulative_reply_rate])).toEqual([
      [0, 20, 0.2],
      [1, 29, 0.29],
      [2, 34, 0.34],
    ]);
    expect(chainStages([{ position: 0, sent: 0, read: 0, replied: 0, firstReplies: 0 }], 0)[0]!.cumulative_reply_rate).toBe(0);
  });

  it('delays as people type them, and back', () => {
    expect(parseDelay('90m')).toBe(5400);
    expect(parseDelay('36h')).toBe(129_600);
    expect(parseDelay(' 2d ')).toBe(172_800);
    expect(parseDelay('1d12h')).toBe(129_600);
    expect(parseDelay('1w')).toBe(604_800);
    for (const bad of ['', '12', 'two days', '1y', '-1d', '1.5h']) expect(parseDelay(bad), bad).toBeNull();
    expect(formatDelay(172_800)).toBe('2d');
    expect(formatDelay(5400)).toBe('1h30m');
    expect(formatDelay(0)).toBe('0s');
  });

  it('the CLI steps file takes the API fields, with "delay" in place of delay_seconds', () => {
    expect(parseStepsFile('[{"segment":"not_replied","delay":"2d","message":"Hi","follow_up_stage":"F1"}]')).toEqual([
      { segment: 'not_replied', delay_seconds: 172_800, message: 'Hi', follow_up_stage: 'F1' },
    ]);
    expect(parseStepsFile('{"steps":[{"segment":"not_replied","delay_seconds":60,"message":"Hi"}]}')).toEqual([
      { segment: 'not_replied', delay_seconds: 60, message: 'Hi' },
    ]);
    expect(() => parseStepsFile('nope')).toThrow(/not JSON/);
    expect(() => parseStepsFile('{"a":1}')).toThrow(/JSON array of steps/);
    expect(() => parseStepsFile('[{"delay":"soon"}]')).toThrow(/step 1: delay must be like 90m/);
  });
});
