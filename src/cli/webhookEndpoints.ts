import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { EndpointView } from '../outbound/endpointStore.ts';
import { action, list, out, printJson, table, time } from './output.ts';

const ALL_EVENTS = 'recipient.status_changed,recipient.replied,recipient.opted_out,blast.completed';

function endpointId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('an endpoint id is a positive whole number');
  return Number(value);
}

/** `wablast webhooks endpoints list|add|rm`: the outbound webhook endpoints, through the HTTP API. */
export function registerWebhookEndpoints(webhooks: Command): void {
  const endpoints = webhooks
    .command('endpoints')
    .description('outbound webhooks to your own systems: endpoints that receive signed events');

  endpoints
    .command('list')
    .description('endpoints, their events and state (secrets masked)')
    .action(
      action(async ({ api, json }) => {
        const page = await api.json<{ endpoints: EndpointView[] }>('GET', '/api/webhook-endpoints');
        if (json) return printJson(page);
        if (page.endpoints.length === 0) return out('No webhook endpoints.');
        out(
          table(
            ['ID', 'URL', 'EVENTS', 'ENABLED', 'SECRET', 'CREATED'],
            page.endpoints.map((e) => [
              e.id,
              e.url,
              e.events.join(','),
              e.enabled ? 'yes' : `no: ${e.disabled_reason ?? ''}`,
              e.secret,
              time(e.created_at),
            ]),
          ),
        );
      }),
    );

  endpoints
    .command('add <url>')
    .description('register an endpoint; prints its signing secret once')
    .option('--events <list>', 'comma-separated event types', ALL_EVENTS)
    .action(
      action(async ({ api, json }, url: string, opts: { events: string }) => {
        const created = await api.json<{ id: number; secret: string }>('POST', '/api/webhook-endpoints', {
          json: { url, events: list(opts.events) },
        });
        if (json) return printJson(created);
        out(`Endpoint ${created.id} added. Signing secret (shown once, keep it): ${created.secret}`);
      }),
    );

  endpoints
    .command('rm <id>')
    .description('delete an endpoint and its delivery log')
    .action(
      action(async ({ api, json }, id: string) => {
        const done = await api.json('DELETE', `/api/webhook-endpoints/${endpointId(id)}`);
        if (json) return printJson(done);
        out(`Endpoint ${id} deleted.`);
      }),
    );
}
