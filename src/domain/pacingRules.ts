import { meanGap } from './gapDistribution.ts';
import { type SendWindow, parseSendWindow } from './sendWindow.ts';
import { WARM_UP_FRESH_DAYS, type WarmUpHistory, warmUpDailyCap, warmUpDay } from './warmUp.ts';

/**
 * The pacing presets and how a device's settings, the environment's defaults and a blast's
 * choice combine into the rules one device sends by. Pure.
 *
 * - fast: as fast as the gateway allows (rate, burst, jitter): the seed's speed. A real number
 *   messaging strangers this way is likely to be restricted by WhatsApp.
 * - safe: one message every 10–30 s (random, log-normal), at most 80 an hour and 400 a day —
 *   the established-number figures of issue 13 (10–30 s gaps, Effess's 80/h; 400/day is well under
 *   the 1,500/day some tools allow and near the 900 over a working day reported fine at 45 s).
 * - warm-up: 30–60 s gaps in a number's first week, then safe's; 80 an hour; a daily cap growing
 *   from 20 by ×1.8 a day (domain/warmUp).
 * - custom: every knob (gaps, caps, rate, burst, jitter) from the device or the environment.
 */
export const PACING_PRESETS = ['fast', 'safe', 'warm-up', 'custom'] as const;
export type PacingPreset = (typeof PACING_PRESETS)[number];

export const SAFE = { minGapMs: 10_000, maxGapMs: 30_000, hourlyCap: 80, dailyCap: 400 } as const;
export const FRESH_GAPS = { minGapMs: 30_000, maxGapMs: 60_000 } as const;
/** The window a careful preset keeps when none is configured: working hours, Sunday off. */
export const CAREFUL_WINDOW = 'mon-sat 09:00-20:00';

/** What a device row, the environment or a blast say; null = "not set here, ask the next one". */
export interface PacingSettings {
  preset: PacingPreset | null;
  rate: number | null;
  burst: number | null;
  jitterMs: number | null;
  minGapMs: number | null;
  maxGapMs: number | null;
  hourlyCap: number | null;
  dailyCap: number | null;
  window: string | null;
  timeZone: string | null;
}

/** The environment's defaults: every knob has a value except the optional caps, gaps and window. */
export type PacingDefaults = Omit<PacingSettings, 'preset' | 'rate' | 'burst' | 'jitterMs' | 'timeZone'> & {
  preset: PacingPreset;
  rate: number;
  burst: number;
  jitterMs: number;
  timeZone: string;
};

/** What one device sends by, right now. */
export interface PacingRules {
  preset: PacingPreset;
  /** warm-up only: the day of the number's life (1 = first). */
  warmUpDay: number | null;
  rate: number;
  burst: number;
  jitterMs: number;
  minGapMs: number;
  maxGapMs: number;
  hourlyCap: number | null;
  dailyCap: number | null;
  window: SendWindow;
  timeZone: string;
  /** The average time one message takes at this pace (gap, jitter, rate): the ETA's step. */
  meanStepMs: number;
}

export function resolvePacing(
  device: PacingSettings,
  defaults: PacingDefaults,
  blastPreset: PacingPreset | null,
  history: WarmUpHistory,
  now: number,
): PacingRules {
  const preset = blastPreset ?? device.preset ?? defaults.preset;
  const pick = <K extends keyof PacingSettings>(k: K) => device[k] ?? defaults[k];
  const timeZone = pick('timeZone')!;
  const careful = preset === 'safe' || preset === 'warm-up';
  const windowText = pick('window') ?? (careful ? CAREFUL_WINDOW : 'always');
  const parsed = parseSendWindow(windowText);
  // Settings are validated where they are written; a bad one left in the database must not stop sending.
  const window = parsed.ok
    ? parsed.window
    : (parseSendWindow(careful ? CAREFUL_WINDOW : 'always') as { ok: true; window: SendWindow }).window;
  const rate = pick('rate')!;
  const burst = pick('burst')!;
  const jitterMs = pick('jitterMs')!;
  // A cap set on the device or in the environment tightens any preset; it never loosens one.
  const tighter = (preset: number | null, set: number | null) => (preset === null ? set : set === null ? preset : Math.min(preset, set));
  let minGapMs = 0;
  let maxGapMs = 0;
  let hourlyCap = pick('hourlyCap');
  let dailyCap = pick('dailyCap');
  let day: number | null = null;
  if (preset === 'safe') {
    ({ minGapMs, maxGapMs } = SAFE);
    hourlyCap = tighter(SAFE.hourlyCap, hourlyCap);
    dailyCap = tighter(SAFE.dailyCap, dailyCap);
  } else if (preset === 'warm-up') {
    day = warmUpDay(history, timeZone, now);
    ({ minGapMs, maxGapMs } = day <= WARM_UP_FRESH_DAYS ? FRESH_GAPS : SAFE);
    hourlyCap = tighter(SAFE.hourlyCap, hourlyCap);
    dailyCap = tighter(warmUpDailyCap(day), dailyCap);
  } else if (preset === 'custom') {
    minGapMs = pick('minGapMs') ?? 0;
    maxGapMs = Math.max(minGapMs, pick('maxGapMs') ?? minGapMs);
  }
  const meanStepMs = Math.max(1000 / rate, meanGap(minGapMs, maxGapMs) + (careful ? 0 : jitterMs / 2));
  return {
    preset,
    warmUpDay: day,
    rate,
    burst,
    // The careful presets' gaps are their jitter; a flat one on top would only blur the shape.
    jitterMs: careful ? 0 : jitterMs,
    minGapMs,
    maxGapMs,
    hourlyCap,
    dailyCap,
    window,
    timeZone,
    meanStepMs,
  };
}
