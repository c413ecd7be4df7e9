import { z } from 'zod';
import { PACING_PRESETS } from '../domain/pacingRules.ts';
import { STATUSES } from '../domain/status.ts';
import { SEGMENT_NAMES } from '../domain/segments.ts';
import { messageText, text } from './inputLimits.ts';
import { validationFailed } from './validation.ts';

/** Request shapes, validated at the edge. Unknown fields are refused so a typo is never silently ignored. */
const variableValue = z.union([text().max(1000), z.number(), z.boolean()]).transform(String);

export const recipientInput = z.union([text().max(64), z.object({ phone: text().max(64) }).catchall(variableValue)]);

export const pacingPreset = z.enum(PACING_PRESETS, { message: `must be one of ${PACING_PRESETS.join(', ')}` });
const deviceId = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w.-]+$/, 'letters, digits, _ . - only');
export const MAX_POOL_DEVICES = 20;
const devicePool = z
  .array(deviceId)
  .min(1, 'must list at least one device')
  .max(MAX_POOL_DEVICES, `at most ${MAX_POOL_DEVICES} devices`)
  .refine((list) => new Set(list).size === list.length, 'lists a device twice');

export const createBlastBody = z.strictObject({
  blast_tag: text().trim().max(200).nullish(),
  message: messageText(),
  recipients: z.array(recipientInput).min(1, 'must list at least one phone number'),
  follow_up_stage: text().trim().max(100).nullish(),
  scheduled_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-12-01T09:00:00Z' }).nullish(),
  device: deviceId.optional(),
  /** The sender pool: several devices share the blast, each recipient sticking to the one that first messaged it. */
  devices: devicePool.optional(),
  /** This blast's pace; null or absent: the device's (domain/pacingRules). */
  pacing_preset: pacingPreset.nullish(),
  dry_run: z.boolean().optional(),
});
export type CreateBlastBody = z.infer<typeof createBlastBody>;

/** The multipart form carries the same fields as strings. */
export const uploadFields = createBlastBody.omit({ recipients: true, dry_run: true }).extend({
  // A form's "the device's own" option sends an empty string.
  pacing_preset: z
    .union([z.literal(''), pacingPreset])
    .optional()
    .transform((v) => v || null),
  /** Comma-separated in a form: d1,d2,d3. */
  devices: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    )
    .pipe(devicePool)
    .optional(),
  dry_run: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});

export const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).meta({ example: 42 }) });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).meta({ example: 50 }),
  offset: z.coerce.number().int().min(0).default(0).meta({ example: 0 }),
});

const statusList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim().toUpperCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(STATUSES)));

export const recipientsQuery = pageQuery.extend({
  status: statusList.optional().meta({ description: 'Statuses, comma-separated', example: 'READ_ACK,REPLIED' }),
  phone: text().max(32).optional().meta({ description: 'Digits of the number', example: '0123456789' }),
  q: text().trim().max(200).optional().meta({ description: "A name, any variable's text, or digits of the number", example: 'Siti' }),
  format: z.enum(['json', 'csv']).default('json').meta({ example: 'json' }),
  tz: text().max(64).optional().meta({ description: "The CSV export's time zone (default REPORT_TIMEZONE)", example: 'Asia/Kuala_Lumpur' }),
});

export const resendBody = z.strictObject({
  statuses: z
    .array(z.enum(['UNCERTAIN', 'FAILED']))
    .min(1)
    .default(['UNCERTAIN', 'FAILED']),
  /** Count what would be requeued (and what cannot be retried) without changing anything. */
  dry_run: z.boolean().default(false),
});

export const closeByPhoneBody = z.strictObject({ phone: text().min(1).max(64) });

export const optOutBody = z.strictObject({ phone: z.string().min(1).max(64), reason: text().max(200).optional() });

/** Parses or throws our validation error (400, the field named): for what a route's schema cannot check, a multipart form's fields. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw validationFailed(r.error.issues);
}

export const followUpBody = z.strictObject({
  segment: z.enum(SEGMENT_NAMES),
  message: createBlastBody.shape.message,
  blast_tag: createBlastBody.shape.blast_tag,
  follow_up_stage: createBlastBody.shape.follow_up_stage,
  scheduled_at: createBlastBody.shape.scheduled_at,
  dry_run: z.boolean().optional(),
});

/** POST /api/connection/test-message: the operator's own number, and optionally the text. */
export const testMessageBody = z.strictObject({ phone: z.string().min(1).max(64), message: messageText().optional() });
