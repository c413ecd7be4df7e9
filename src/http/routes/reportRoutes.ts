import type { FastifyInstance } from 'fastify';
import { STAGES } from '../../domain/stageFunnel.ts';
import { resolveBounds } from '../../domain/timeBounds.ts';
import { type FunnelGroup, funnelReport } from '../../reports/funnelReport.ts';
import type { AppContext } from '../context.ts';
import { csvCell } from '../csvCell.ts';
import { reportQuery, timeZone } from '../inboxSchemas.ts';
import { parse } from '../schemas.ts';

const RATES = ['received', 'read', 'replied', 'closed'] as const;

/** The funnel across blasts, grouped by follow-up stage, tag, device or day; JSON or CSV. */
export async function reportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/reports/funnel', async (req, reply) => {
    const q = parse(reportQuery, req.query);
    const tz = timeZone(q.tz, ctx.config.reportTimeZone);
    const report = await funnelReport(ctx.database.db, q.group_by, resolveBounds(q.from, q.to, tz), tz);
    if (q.format === 'json') return report;
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="funnel-by-${q.group_by}.csv"`);
    const header = [q.group_by, ...STAGES, ...RATES.map((r) => `rate_${r}`)];
    const line = (g: FunnelGroup) => [csvCell(g.key), ...STAGES.map((s) => g[s]), ...RATES.map((r) => g.rates[r])].join(',');
    return `${[header.join(','), ...report.groups.map(line)].join('\n')}\n`;
  });
}
