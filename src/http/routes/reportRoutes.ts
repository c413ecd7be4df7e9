import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { funnelReportAnswer } from '../../api/inboxAnswers.ts';
import { STAGES } from '../../domain/stageFunnel.ts';
import { resolveBounds } from '../../domain/timeBounds.ts';
import { type FunnelGroup, funnelReport } from '../../reports/funnelReport.ts';
import type { AppContext } from '../context.ts';
import { csvCell } from '../csvCell.ts';
import { reportQuery, timeZone } from '../inboxSchemas.ts';
import { errors, textAnswer } from '../routeSchema.ts';

const RATES = ['received', 'read', 'replied', 'closed'] as const;

/** The funnel across blasts, grouped by follow-up stage, tag, device or day; JSON or CSV. */
export async function reportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/reports/funnel',
    {
      schema: {
        tags: ['Reports'],
        summary:
          'The funnel across blasts by follow_up_stage, tag, device (blasts created in from–to) or day (events in from–to, days in tz); format=csv',
        querystring: reportQuery,
        response: {
          200: {
            description: '{group_by, tz, from, to, groups, total}, or text/csv',
            content: {
              'application/json': { schema: funnelReportAnswer },
              'text/csv': textAnswer('text/csv', 'One line a group').content['text/csv'],
            },
          },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const tz = timeZone(q.tz, ctx.config.reportTimeZone);
      const report = await funnelReport(ctx.database.db, q.group_by, resolveBounds(q.from, q.to, tz), tz);
      if (q.format === 'json') return report;
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="funnel-by-${q.group_by}.csv"`);
      const header = [q.group_by, ...STAGES, ...RATES.map((r) => `rate_${r}`)];
      const line = (g: FunnelGroup) => [csvCell(g.key), ...STAGES.map((s) => g[s]), ...RATES.map((r) => g.rates[r])].join(',');
      return `${[header.join(','), ...report.groups.map(line)].join('\n')}\n`;
    },
  );
}
