import { z } from 'zod';
import { instant, page } from './answerParts.ts';
import { pacingPreset } from './blastAnswers.ts';

/** The answers about devices: pacing, sending state, health (GET /api/devices and the device actions). */

/** Whether a device may send now, or is held (token or device trouble, refusals) until a probe passes. */
export const sendingStateAnswer = z.discriminatedUnion('state', [
  z.object({ state: z.literal('running') }),
  z.object({
    state: z.literal('held'),
    kind: z.string(),
    reason: z.string().nullable(),
    since: instant().nullable(),
    retry_at: instant().nullable(),
    probes_refused: z.number(),
  }),
]);

/** What GET /api/devices says about a device's health (the dashboard's health card). */
export const deviceHealthAnswer = z.object({
  /** ok; warning (errors mount, or numbers probably blocked it); paused; held; disabled. */
  status: z.enum(['ok', 'warning', 'paused', 'held', 'disabled']),
  sent_today: z.number(),
  daily_cap: z.number().nullable(),
  paused: z.object({ at: instant(), reason: z.string().nullable() }).nullable(),
  last_refusal: z.object({ at: instant(), reason: z.string().nullable() }).nullable(),
  error_rate: z.object({ window: z.number(), sends: z.number(), errors: z.number(), rate: z.number().nullable(), pause_above: z.number() }),
  /** Numbers it messaged that stayed undelivered for PROBABLY_BLOCKED_DAYS (list: GET /api/devices/:id/probably-blocked). */
  probably_blocked: z.number(),
  probably_blocked_days: z.number(),
});

/** A device: its own pacing overrides (null: the environment's), the plan it sends by now, its counts, state and health. */
export const deviceAnswer = z.object({
  id: z.string(),
  label: z.string().nullable(),
  enabled: z.boolean(),
  lease_owner: z.string().nullable(),
  lease_expires_at: instant().nullable(),
  preset: pacingPreset.nullable(),
  rate: z.number().nullable(),
  burst: z.number().nullable(),
  jitter_ms: z.number().nullable(),
  min_gap_ms: z.number().nullable(),
  max_gap_ms: z.number().nullable(),
  hourly_cap: z.number().nullable(),
  daily_cap: z.number().nullable(),
  send_window: z.string().nullable(),
  send_timezone: z.string().nullable(),
  /** YYYY-MM-DD: the day the number started sending (warm-up counts from it). */
  in_use_since: z.string().nullable(),
  last_sent_at: instant().nullable(),
  /** Messages sent in the device's local day and in the last sliding hour. */
  sent_today: z.number(),
  sent_last_hour: z.number(),
  sending: sendingStateAnswer,
  /** The rules it sends by now, overrides over the environment's, and the plan in words. */
  effective: z.object({
    preset: pacingPreset,
    rate: z.number(),
    burst: z.number(),
    jitter_ms: z.number(),
    min_gap_ms: z.number(),
    max_gap_ms: z.number(),
    hourly_cap: z.number().nullable(),
    daily_cap: z.number().nullable(),
    send_window: z.string(),
    send_timezone: z.string(),
    warm_up_day: z.number().nullable(),
    window_open: z.boolean(),
    summary: z.string(),
  }),
  health: deviceHealthAnswer,
});

export const deviceListAnswer = z.object({ devices: z.array(deviceAnswer) });

/** GET /api/devices, the parts the health cards read. */
export const deviceWithHealthAnswer = deviceAnswer.pick({ id: true, label: true, enabled: true, sending: true, health: true });

/** GET /api/devices/:id/probably-blocked. */
export const probablyBlockedListAnswer = z.object({
  device: z.string(),
  days: z.number(),
  numbers: z.array(z.object({ phone_number: z.string(), sent_at: instant(), blast_id: z.number(), recipient_id: z.number() })),
  ...page.shape,
});
