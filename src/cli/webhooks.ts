import { type Command, InvalidArgumentError } from 'commander';
import { action, list, out, printJson } from './output.ts';
import { registerWebhookEndpoints } from './webhookEndpoints.ts';

interface ReprocessAnswer {
  success: boolean;
  examined: number;
  applied: number;
  waiting: number;
  ignored: number;
  not_understood: number;
}

function ids(value: string): number[] {
  const parsed = list(value).map(Number);
  if (parsed.length === 0 || parsed.some((n) => !Number.isSafeInteger(n) || n < 1))
    throw new InvalidArgumentError('ids are positive whole numbers, comma-separated');
  return parsed;
}

/** `wablast webhooks …`: the webhook inbox through the HTTP API. */
export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description('the webhook inbox: re-read what was not understood, show the URL to configure');

  webhooks
    .command('reprocess')
    .description('read not-understood webhook events again with this version (all, or --ids) and apply what it understands')
    .option('--ids <list>', 'webhook event ids (GET /api/webhook-events), comma-separated', ids)
    .action(
      action(async ({ api, json }, opts: { ids?: number[] }) => {
        const r = await api.json<ReprocessAnswer>('POST', '/api/webhook-events/reprocess', { json: opts.ids ? { ids: opts.ids } : {} });
        if (json) return printJson(r);
        out(
          `Re-read ${r.examined} not-understood event${r.examined === 1 ? '' : 's'}: ${r.applied} applied, ${r.waiting} waiting for their send, ${r.ignored} ignored, ${r.not_understood} still not understood.`,
        );
      }),
    );

  webhooks
    .command('url')
    .description('the webhook URL to paste into the WSAPME dashboard (secret masked unless --reveal)')
    .option('--reveal', 'show the secret')
    .action(
      action(async ({ api, json }, opts: { reveal?: boolean }) => {
        const r = await api.json<{ configured: boolean; url: string | null; reason?: string; reminder: string }>(
          'GET',
          '/api/webhook-url',
          {
            ...(opts.reveal && { query: { reveal: 'true' } }),
          },
        );
        if (json) return printJson(r);
        out(r.configured ? r.url! : `Not configured: ${r.reason}`);
        out(r.reminder);
      }),
    );

  registerWebhookEndpoints(webhooks);
}
