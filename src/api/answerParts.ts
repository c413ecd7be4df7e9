import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../errors.ts';

/**
 * The pieces every answer of the API is built from. Response schemas are the API's one
 * definition of what it says: the route serializes through them (a field they do not list is
 * dropped, so each lists every field its handler returns), /docs is generated from them, and the
 * types of src/api/contract.ts are inferred from them.
 */

/** An instant as the API writes it: ISO 8601 in UTC (util/pgTime.ts isoTime). */
export const instant = () => z.string().meta({ format: 'date-time' });

/** A page of a list: limit and offset as asked, total over all pages. */
export const page = z.object({ total: z.number(), limit: z.number(), offset: z.number() });

export const success = z.object({ success: z.literal(true) });

const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** Every failure: one string code (src/errors.ts decides its HTTP status), a message, and per-field details when there are. */
export const errorAnswer = z
  .object({
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({
    description: 'Error: {error: {code, message, details?}}',
    example: { error: { code: 'not_found', message: 'Blast 987654 not found' } },
  });
