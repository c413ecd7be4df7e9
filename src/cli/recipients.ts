import { type Command, Option } from 'commander';
import type { RecipientView } from '../blasts/listRecipients.ts';
import { CLOSE_OUTCOMES } from '../domain/reopen.ts';
import { recipientName } from '../domain/recipientName.ts';
import { action, idArgument, label, out, printJson } from './output.ts';

/** The ID column of `blasts recipients` and RECIPIENT of `replies`. */
const recipientId = idArgument('recipient');

/** `wablast close` and `wablast reopen`: the business outcome of one recipient, and its undo. */
export function registerRecipients(program: Command): void {
  program
    .command('close')
    .description('mark a recipient CLOSED (the lead is dealt with), with an optional outcome and note')
    .argument('<recipient-id>', 'the ID column of `wablast blasts recipients`', recipientId)
    .addOption(new Option('--outcome <outcome>', 'how it ended').choices(CLOSE_OUTCOMES))
    .option('--note <text>', 'a note for the team, e.g. "ordered 2 boxes"')
    .action(
      action(async ({ api, json }, id: number, opts: { outcome?: string; note?: string }) => {
        const r = await api.json<{ recipient: RecipientView }>('POST', `/api/recipients/${id}/close`, {
          json: { ...(opts.outcome !== undefined && { outcome: opts.outcome }), ...(opts.note !== undefined && { note: opts.note }) },
        });
        if (json) return printJson(r);
        const c = r.recipient;
        const how = [c.close_outcome, c.close_note && `"${c.close_note}"`].filter(Boolean).join(', ');
        out(`Closed recipient #${c.id} ${who(c)} of blast #${c.blast_id}${how ? ` (${how})` : ''}. Undo with: wablast reopen ${c.id}`);
      }),
    );

  program
    .command('reopen')
    .description('undo a close: the recipient goes back to where it was (e.g. Replied)')
    .argument('<recipient-id>', 'the recipient to reopen', recipientId)
    .action(
      action(async ({ api, json }, id: number) => {
        const r = await api.json<{ recipient: RecipientView }>('POST', `/api/recipients/${id}/reopen`);
        if (json) return printJson(r);
        out(`Reopened recipient #${r.recipient.id} ${who(r.recipient)}: ${label(r.recipient.status)} again.`);
      }),
    );
}

const who = (r: RecipientView): string => {
  const name = recipientName(r.variables);
  return name ? `${name} (${r.phone_number})` : r.phone_number;
};
