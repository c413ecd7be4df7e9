import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import type { BlastView } from '../blasts/blastView.ts';
import type { CreateBlastResult } from '../blasts/createBlast.ts';
import { splitPastedRecipients, toRecipientInput } from '../domain/pastedRecipients.ts';
import { type ApiClient as Api, CliError, FormData } from './client.ts';
import { registerBlastLifecycle } from './blastLifecycle.ts';
import { registerBlastReports } from './blastReports.ts';
import { printCreateResult } from './createResult.ts';
import { action, list, out, printJson, table, time, timesIn } from './output.ts';

/** `wablast blasts …`: list and create here; lifecycle and reporting in their own files. */
export function registerBlasts(program: Command): void {
  const blasts = program.command('blasts').description('create, send and follow blasts through the HTTP API');

  blasts
    .command('list')
    .description('blasts, newest first, with their funnel')
    .option('--limit <n>', 'how many', '50')
    .option('--offset <n>', 'skip this many', '0')
    .action(
      action(async ({ api, json }, opts: { limit: string; offset: string }) => {
        const page = await api.json<{ blasts: BlastView[]; total: number; offset: number }>('GET', '/api/blasts', {
          query: { limit: opts.limit, offset: opts.offset },
        });
        if (json) return printJson(page);
        if (page.blasts.length === 0) return out(page.total === 0 ? 'No blasts yet.' : 'No blasts on this page.');
        out(
          table(
            ['ID', 'STATE', 'TAG', 'STAGE', 'TOTAL', 'SENT', 'RECEIVED', 'READ', 'REPLIED', 'CLOSED', 'FAILED', 'CREATED'],
            page.blasts.map((b) => [
              b.id,
              b.state,
              b.tag ?? '',
              b.follow_up_stage ?? '',
              b.report.total,
              b.report.sent,
              b.report.received,
              b.report.read,
              b.report.replied,
              b.report.closed,
              b.report.failed,
              time(b.created_at),
            ]),
          ),
        );
        out(
          `${page.total > page.blasts.length ? `${page.offset + 1}–${page.offset + page.blasts.length} of ${page.total}. ` : ''}${timesIn()}`,
        );
      }),
    );

  blasts
    .command('create')
    .description('create a blast from numbers or a CSV file (a phone column; other columns become template variables)')
    .requiredOption('--message <message>', 'the message; {{name}} and any CSV column are template variables, {Hi|Hello} is spintax')
    .option('--tag <tag>', 'blast tag')
    .option('--stage <stage>', 'follow-up stage, e.g. Initial')
    .option('--at <iso>', 'schedule for this ISO 8601 date-time, e.g. 2026-12-01T09:00:00Z')
    .option('--device <device>', "WSAPME device id (default: the server's WSAPME_DEVICE)")
    .option('--devices <list>', 'comma-separated sender pool, e.g. d1,d2,d3: each number sticks to the device that first messaged it')
    .addOption(
      new Option('--numbers <list>', 'comma-separated phone numbers, each optionally with a name ("0123456789 Muthu")').conflicts('csv'),
    )
    .addOption(new Option('--csv <file>', 'CSV file to upload').conflicts('numbers'))
    .option('--dry-run', 'validate and count without creating')
    .action(
      action(async ({ api, json }, opts: CreateOptions) => {
        const result = opts.csv !== undefined ? await upload(api, { ...opts, csv: opts.csv }) : await createFromNumbers(api, opts);
        if (json) return printJson(result);
        printCreateResult(result, opts.dryRun ?? false);
      }),
    );

  registerBlastLifecycle(blasts);
  registerBlastReports(blasts);
}

interface CreateOptions {
  message: string;
  tag?: string;
  stage?: string;
  at?: string;
  device?: string;
  devices?: string;
  numbers?: string;
  csv?: string;
  dryRun?: boolean;
}

async function createFromNumbers(api: Api, opts: CreateOptions): Promise<CreateBlastResult> {
  if (opts.numbers === undefined) throw new CliError('give the recipients: --numbers <a,b,c> or --csv <file>');
  // The dashboard's paste splitter: "0123456789 Muthu, 0198765432 Siti" keeps the names as {{name}}.
  const recipients = splitPastedRecipients(opts.numbers).recipients.map(toRecipientInput);
  if (recipients.length === 0) throw new CliError('--numbers lists no phone number');
  return api.json<CreateBlastResult>('POST', '/api/blasts', {
    json: {
      message: opts.message,
      recipients,
      ...(opts.tag !== undefined && { blast_tag: opts.tag }),
      ...(opts.stage !== undefined && { follow_up_stage: opts.stage }),
      ...(opts.at !== undefined && { scheduled_at: opts.at }),
      ...(opts.device !== undefined && { device: opts.device }),
      ...(opts.devices !== undefined && { devices: list(opts.devices) }),
      ...(opts.dryRun && { dry_run: true }),
    },
  });
}

async function upload(api: Api, opts: CreateOptions & { csv: string }): Promise<CreateBlastResult> {
  let content: Uint8Array<ArrayBuffer>;
  try {
    content = new Uint8Array(await readFile(opts.csv));
  } catch (err) {
    throw new CliError(`cannot read ${opts.csv}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const form = new FormData();
  form.append('message', opts.message);
  if (opts.tag !== undefined) form.append('blast_tag', opts.tag);
  if (opts.stage !== undefined) form.append('follow_up_stage', opts.stage);
  if (opts.at !== undefined) form.append('scheduled_at', opts.at);
  if (opts.device !== undefined) form.append('device', opts.device);
  if (opts.devices !== undefined) form.append('devices', opts.devices);
  if (opts.dryRun) form.append('dry_run', 'true');
  form.append('file', new Blob([content], { type: 'text/csv' }), basename(opts.csv));
  return api.json<CreateBlastResult>('POST', '/api/blasts/upload', { form });
}
