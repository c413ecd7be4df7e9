import { type Command, Option } from 'commander';
import type { CreateBlastResult } from '../blasts/createBlast.ts';
import { printCreateResult } from './createResult.ts';
import { action, blastId, list, out, printJson } from './output.ts';
import { SEGMENT_NAMES } from '../domain/segments.ts';

interface SendAnswer {
  success: boolean;
  sent: number;
  failed: number;
  queued: number;
  uncertain: number;
  state: string;
}

/** send, pause, resume, cancel, resend and follow-up. */
export function registerBlastLifecycle(blasts: Command): void {
  blasts
    .command('send')
    .description('start sending (a scheduled blast waits for its time)')
    .argument('<id>', 'blast id', blastId)
    .option('--wait', 'block until the blast has finished, then print the outcome')
    .action(
      action(async ({ api, json }, id: number, opts: { wait?: boolean }) => {
        const r = await api.json<SendAnswer>('POST', `/api/blasts/${id}/send`, {
          ...(opts.wait && { query: { wait: 'true' }, noTimeout: true }),
        });
        if (json) return printJson(r);
        out(`Blast #${id} is ${r.state}: ${r.sent} sent, ${r.failed} failed, ${r.uncertain} uncertain, ${r.queued} queued.`);
        if (r.uncertain > 0 && opts.wait)
          out(`Uncertain ones may have arrived; resend on purpose with: wablast blasts resend ${id} --statuses UNCERTAIN`);
      }),
    );

  for (const [name, description] of [
    ['pause', 'pause sending (takes effect within one message)'],
    ['resume', 'resume a paused blast'],
    ['cancel', 'cancel; recipients not sent yet are skipped'],
  ] as const) {
    blasts
      .command(name)
      .description(description)
      .argument('<id>', 'blast id', blastId)
      .action(
        action(async ({ api, json }, id: number) => {
          const r = await api.json<{ success: boolean; state: string }>('POST', `/api/blasts/${id}/${name}`);
          if (json) return printJson(r);
          out(`Blast #${id} is ${r.state}.`);
        }),
      );
  }

  blasts
    .command('resend')
    .description('queue UNCERTAIN and/or FAILED recipients again (a person asking: they may get the message twice)')
    .argument('<id>', 'blast id', blastId)
    .option('--statuses <list>', 'UNCERTAIN, FAILED or both', 'UNCERTAIN,FAILED')
    .action(
      action(async ({ api, json }, id: number, opts: { statuses: string }) => {
        const statuses = list(opts.statuses).map((s) => s.toUpperCase());
        const r = await api.json<{ success: boolean; requeued: number }>('POST', `/api/blasts/${id}/resend`, { json: { statuses } });
        if (json) return printJson(r);
        out(`Requeued ${r.requeued} recipient${r.requeued === 1 ? '' : 's'} of blast #${id} (${statuses.join(', ')}).`);
      }),
    );

  blasts
    .command('follow-up')
    .description('create the next blast from a funnel segment of this one')
    .argument('<id>', 'the earlier blast', blastId)
    .addOption(new Option('--segment <segment>', 'who to reach again').choices(SEGMENT_NAMES).makeOptionMandatory())
    .requiredOption('--message <message>', 'the follow-up message (recipients keep their template variables)')
    .option('--tag <tag>', 'blast tag')
    .option('--stage <stage>', 'follow-up stage, e.g. "Follow-up 1"')
    .option('--at <iso>', 'schedule for this ISO 8601 date-time')
    .option('--dry-run', 'count the segment without creating')
    .action(
      action(
        async (
          { api, json },
          id: number,
          opts: { segment: string; message: string; tag?: string; stage?: string; at?: string; dryRun?: boolean },
        ) => {
          const r = await api.json<CreateBlastResult>('POST', `/api/blasts/${id}/follow-up`, {
            json: {
              segment: opts.segment,
              message: opts.message,
              ...(opts.tag !== undefined && { blast_tag: opts.tag }),
              ...(opts.stage !== undefined && { follow_up_stage: opts.stage }),
              ...(opts.at !== undefined && { scheduled_at: opts.at }),
              ...(opts.dryRun && { dry_run: true }),
            },
          });
          if (json) return printJson(r);
          printCreateResult(r, opts.dryRun ?? false, { id, segment: opts.segment });
        },
      ),
    );
}
