import { z } from 'zod';
import { OPT_OUT_SOURCES } from '../domain/optOutSource.ts';
import { text } from './inputLimits.ts';
import { pageQuery } from './schemas.ts';

/** Request shapes of the opt-outs list. */
export const optOutsQuery = pageQuery.extend({
  q: text().trim().max(200).optional().meta({ description: 'Number or reason', example: '0123' }),
  source: z.enum(OPT_OUT_SOURCES).optional().meta({ example: 'reply' }),
});

export const addOptOutBody = z.strictObject({
  phone: z.string().min(1).max(64),
  reason: text().trim().max(200).optional(),
  /** A person adds a number by hand, or from the "probably blocked" list; replies and imports have their own ways in. */
  source: z.enum(['manual', 'probably_blocked']).default('manual'),
});
