import type { Command } from 'commander';
import type { ConnectionReport as ConnectionAnswer, TestMessageAnswer as TestAnswer } from '../api/contract.ts';
import { action, out, printJson } from './output.ts';

const mark = (ok: boolean | null): string => (ok === true ? 'ok' : ok === false ? 'PROBLEM' : 'unknown');

/** `wablast doctor`: does it work — every connection check on its own line; exit 1 when one is a problem. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the connection to WSAPME (gateway, token, device, webhooks, lookup, sending); exit 1 on a problem')
    .option('--send-test <phone>', 'send one real message to this number (your own) through a one-recipient blast')
    .option('--message <text>', 'the test message text (with --send-test)')
    .option('--show-webhook', 'print the raw body of the last webhook received')
    .action(
      action(async ({ api, json }, opts: { sendTest?: string; message?: string; showWebhook?: boolean }) => {
        if (opts.sendTest !== undefined) {
          const r = await api.json<TestAnswer>('POST', '/api/connection/test-message', {
            json: { phone: opts.sendTest, ...(opts.message !== undefined && { message: opts.message }) },
            noTimeout: true,
          });
          if (json) printJson(r);
          else if (r.outcome === 'sent') out(`Test message to ${r.phone} sent (message id ${r.message_id}, blast #${r.blast_id}).`);
          else out(`Test message to ${r.phone} ${r.outcome} (blast #${r.blast_id}): ${r.reason}`);
          if (r.outcome !== 'sent') process.exitCode = 1;
          return;
        }
        const r = await api.json<ConnectionAnswer>('GET', '/api/connection');
        if (json) printJson(r);
        else {
          const width = Math.max(...r.checks.map((c) => c.label.length));
          for (const c of r.checks) out(`${mark(c.ok).padEnd(7)}  ${c.label.padEnd(width)}  ${c.detail}`);
          if (opts.showWebhook && r.last_webhook) out(`\nLast webhook, raw:\n${r.last_webhook.body}`);
          out(
            `\n${r.problems === 0 ? 'No problem found.' : `${r.problems} problem${r.problems === 1 ? '' : 's'} found.`} ${r.webhook.reminder}`,
          );
        }
        if (!r.ok) process.exitCode = 1;
      }),
    );
}
