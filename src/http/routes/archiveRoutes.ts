import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { archiveAnswer } from '../../api/blastAnswers.ts';
import { archiveBlasts } from '../../archive/archiveBlasts.ts';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../context.ts';
import { errors, example } from '../routeSchema.ts';

export const archiveBody = z.strictObject({
  // A day (UTC midnight) or an instant: blasts finished before it are archived.
  before: z.union([z.iso.date(), z.iso.datetime({ offset: true })], { message: 'must be a date such as 2026-01-01 or an ISO time' }),
});

/** POST /api/archive: retention of old blasts' recipients (src/archive/archiveBlasts.ts). */
export async function archiveRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  let running = false;
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/archive',
    {
      schema: {
        tags: ['Blasts'],
        summary:
          'Export the recipients of blasts finished before `before` to CSV files (ARCHIVE_DIR) and delete them; reports and counters stay',
        body: example(archiveBody, { before: '2026-01-01' }),
        response: { 200: archiveAnswer, ...errors },
      },
    },
    async (req) => {
      const { before } = req.body;
      const at = new Date(before.length === 10 ? `${before}T00:00:00Z` : before);
      // Two runs at once would export the same blast twice; one per process is enough for a chore.
      if (running) throw new AppError('conflict', 'An archive run is already in progress');
      running = true;
      try {
        const result = await archiveBlasts(ctx.database.db, {
          before: at,
          dir: ctx.config.archiveDir,
          log: ctx.log.child({ component: 'archive' }),
        });
        ctx.hub.markChanged(result.blasts.map((b) => b.blast_id));
        return result;
      } finally {
        running = false;
      }
    },
  );
}
