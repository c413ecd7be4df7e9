import type { Command } from 'commander';
import type { BlastView } from '../blasts/blastView.ts';
import type { RecipientView } from '../blasts/listRecipients.ts';
import type { Report } from '../blasts/report.ts';
import { CliError } from './client.ts';
import { recipientName } from '../domain/recipientName.ts';
import { action, blastId, label, out, percent, printJson, statusList, table, time, timesIn } from './output.ts';

/** report, recipients and check-status. */
export function registerBlastReports(blasts: Command): void {
  blasts
    .command('report')
    .description('the funnel: sent → received → read → replied → closed')
    .argument('<id>', 'blast id', blastId)
    .action(
      action(async ({ api, json }, id: number) => {
        if (json) return printJson(await api.json<Report>('GET', `/api/blasts/${id}/report`));
        out(formatReport(await api.json<BlastView>('GET', `/api/blasts/${id}`)));
      }),
    );

  blasts
    .command('recipients')
    .description('recipients of a blast and where each one is')
    .argument('<id>', 'blast id', blastId)
    .option('--status <list>', 'only these statuses, as shown (read,replied) or as the API names them (READ_ACK,REPLIED)', statusList)
    .option('--phone <digits>', 'numbers containing these digits')
    .option('--limit <n>', 'how many (at most 500; --csv exports all)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option('--csv', 'export every matching recipient as CSV for a spreadsheet (redirect to a file)')
    .action(
      action(
        async (
          { api, json },
          id: number,
          opts: { status?: string; phone?: string; limit: string; offset: string; csv?: boolean; tz?: string },
        ) => {
          const filter = { status: opts.status, phone: opts.phone };
          if (opts.csv) {
            const res = await api.raw('GET', `/api/blasts/${id}/recipients`, { query: { ...filter, format: 'csv', tz: opts.tz } });
            if (!res.body) return;
            for await (const chunk of res.body) {
              if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
            }
            return;
          }
          const page = await api.json<{ recipients: RecipientView[]; total: number; offset: number }>(
            'GET',
            `/api/blasts/${id}/recipients`,
            {
              query: { ...filter, limit: opts.limit, offset: opts.offset },
            },
          );
          if (json) return printJson(page);
          if (page.recipients.length === 0) return out(page.total === 0 ? 'No recipients match.' : 'No recipients on this page.');
          out(
            table(
              ['ID', 'NAME', 'PHONE', 'STATUS', 'SENT', 'RECEIVED', 'READ', 'REPLIED', 'CLOSED', 'WHY NOT DELIVERED'],
              page.recipients.map((r) => [
                r.id,
                recipientName(r.variables) ?? '',
                r.phone_number,
                r.status === 'CLOSED' && r.close_outcome ? `Closed (${r.close_outcome})` : label(r.status),
                time(r.sent_at),
                time(r.delivered_at),
                time(r.read_at),
                time(r.replied_at),
                time(r.closed_at),
                r.failure_reason ?? '',
              ]),
            ),
          );
          const shown =
            page.total > page.recipients.length
              ? `${page.offset + 1}–${page.offset + page.recipients.length} of ${page.total} (--offset for more, --csv for all). `
              : '';
          out(`${shown}${timesIn()} Replies: wablast replies --blast ${id}`);
        },
      ),
    );

  blasts
    .command('check-status')
    .description('ask the gateway for the status of messages not yet read, now')
    .argument('<id>', 'blast id', blastId)
    .action(
      action(async ({ api, json }, id: number) => {
        const r = await api.json<{ checked: number; updated: number; lookup?: string; reason?: string }>(
          'POST',
          `/api/blasts/${id}/check-status`,
        );
        if (json) return printJson(r);
        out(`Checked ${r.checked} message${r.checked === 1 ? '' : 's'} of blast #${id}; ${r.updated} updated.`);
        if (r.lookup === 'unavailable')
          out(`The gateway does not answer status lookups (${r.reason ?? 'refused'}); statuses come from webhooks.`);
      }),
    );
}

/** The readable report: a header line, the cumulative funnel with rates of sent, then the rest. */
export function formatReport(b: BlastView): string {
  const r = b.report;
  if (!r) throw new CliError('the server sent no report');
  const head = [`Blast #${b.id}`, b.tag, b.follow_up_stage, b.state].filter(Boolean).join(' · ');
  const lines = [head];
  if (b.parent_blast_id) lines.push(`Follow-up of blast #${b.parent_blast_id}${b.segment ? ` (${b.segment})` : ''}`);
  lines.push('');
  lines.push(
    table(
      ['STAGE', 'COUNT', 'OF SENT'],
      [
        ['Recipients', r.total, null],
        ['Sent', r.sent, null],
        ['Received', r.received, percent(r.rates.received)],
        ['Read', r.read, percent(r.rates.read)],
        ['Replied', r.replied, percent(r.rates.replied)],
        ['Closed', r.closed, percent(r.rates.closed)],
      ],
    ),
  );
  lines.push('');
  lines.push(`Queued ${r.queued} · Sending ${r.sending} · Failed ${r.failed} · Uncertain ${r.uncertain} · Skipped ${r.skipped}`);
  const avg = [
    r.avg_seconds_to_deliver !== null ? `deliver ${r.avg_seconds_to_deliver} s` : '',
    r.avg_seconds_to_read !== null ? `read ${r.avg_seconds_to_read} s` : '',
  ].filter(Boolean);
  if (avg.length) lines.push(`Average time to ${avg.join(', to ')}`);
  return lines.join('\n');
}
