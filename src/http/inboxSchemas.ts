import { z } from 'zod';
import { CLOSE_OUTCOMES } from '../domain/reopen.ts';
import { isTimeZone, STAGES } from '../domain/stageFunnel.ts';
import { AppError } from '../errors.ts';
import { text } from './inputLimits.ts';
import { pageQuery } from './schemas.ts';

/** Request shapes of the replies inbox, the contact timeline and the reports across blasts. */
export const closeBody = z.strictObject({
  outcome: z.enum(CLOSE_OUTCOMES).nullish(),
  note: text()
    .trim()
    .max(1000)
    .nullish()
    .transform((v) => (v === '' ? null : v)),
});

/** An ISO 8601 date (a whole day in the report's time zone) or date-time with offset. */
const bound = z.union([
  z.iso.date(),
  z.iso.datetime({ offset: true, message: 'must be a date (2026-11-30) or an ISO 8601 date-time with offset' }),
]);

export const repliesQuery = pageQuery.extend({
  blast_id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().meta({ example: 42 }),
  stage: z.string().max(100).optional().meta({ example: 'Initial' }),
  tag: z.string().max(200).optional().meta({ example: 'Raya Promo' }),
  from: bound.optional().meta({ example: '2026-11-01' }),
  to: bound.optional().meta({ example: '2026-11-30' }),
  open: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'true: only replies whose lead is not closed', example: 'true' }),
  q: z.string().trim().max(200).optional().meta({ description: 'Number, name or text', example: 'deliver' }),
  tz: z.string().max(64).optional().meta({ example: 'Asia/Kuala_Lumpur' }),
});
export type RepliesQuery = z.infer<typeof repliesQuery>;

export const contactParam = z.object({
  phone: z.string().min(1).max(64).meta({ description: 'Any spelling of the number', example: '0123456789' }),
});

export const reportQuery = z.object({
  group_by: z.enum(['follow_up_stage', 'tag', 'day', 'device']).default('follow_up_stage').meta({ example: 'follow_up_stage' }),
  from: bound.optional().meta({ example: '2026-11-01' }),
  to: bound.optional().meta({ example: '2026-11-30' }),
  tz: z
    .string()
    .max(64)
    .optional()
    .meta({ description: 'Days of group_by=day in this zone (default REPORT_TIMEZONE)', example: 'Asia/Kuala_Lumpur' }),
  format: z.enum(['json', 'csv']).default('json').meta({ example: 'json' }),
});
export type ReportQuery = z.infer<typeof reportQuery>;

export const REPORT_STAGES = STAGES;

/** The `tz` of a request, or the configured one; an unknown name is a 400 naming the field. */
export function timeZone(given: string | undefined, fallback: string): string {
  if (given === undefined || given === '') return fallback;
  if (!isTimeZone(given)) {
    throw new AppError('validation_failed', 'tz: not a time zone name such as Asia/Kuala_Lumpur', [
      { field: 'tz', message: 'not a time zone name' },
    ]);
  }
  return given;
}
