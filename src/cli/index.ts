import { type Command, Option } from 'commander';
import { registerArchive } from './archive.ts';
import { registerBlasts } from './blasts.ts';
import { registerDoctor } from './doctor.ts';
import { registerWebhooks } from './webhooks.ts';
import { registerReplies } from './replies.ts';
import { registerSequences } from './sequences.ts';
import { registerRecipients } from './recipients.ts';

/**
 * The client commands of `wablast` (DESIGN §2: a client of the HTTP API, nothing else): global
 * options on the root command, then one register function per command group.
 */
export function registerCli(program: Command): void {
  program
    .addOption(new Option('--url <url>', 'wablast server').env('WABLAST_URL').default('http://localhost:3000'))
    .addOption(new Option('--token <token>', 'API token when the server sets API_TOKEN').env('API_TOKEN'))
    .addOption(new Option('--json', "print the API's JSON instead of text"))
    .addOption(
      new Option('--tz <zone>', "show times in this time zone, e.g. Asia/Kuala_Lumpur (default: this machine's)").env('WABLAST_TZ'),
    );
  registerBlasts(program);
  registerWebhooks(program);
  registerReplies(program);
  registerSequences(program);
  registerRecipients(program);
  registerDoctor(program);
  registerArchive(program);
}
