import type { Command } from 'commander';
import type { ArchiveResult } from '../archive/archiveBlasts.ts';
import { action, out, printJson, table } from './output.ts';

/** `wablast archive --before 2026-01-01`: retention of old blasts' recipients, done by the server (POST /api/archive). */
export function registerArchive(program: Command): void {
  program
    .command('archive')
    .description(
      'export the recipients of blasts finished before a date to CSV files on the server (ARCHIVE_DIR) and delete them; reports stay',
    )
    .requiredOption('--before <date>', 'a date such as 2026-01-01 (UTC midnight) or an ISO time')
    .action(
      action(async ({ api, json }, opts: { before: string }) => {
        const r = await api.json<ArchiveResult>('POST', '/api/archive', { json: { before: opts.before } });
        if (json) return printJson(r);
        if (r.blasts.length === 0) return out(`No finished blast before ${r.before} has recipients left to archive.`);
        out(
          table(
            ['BLAST', 'EXPORTED', 'DELETED', 'FILE'],
            r.blasts.map((b) => [`#${b.blast_id}`, String(b.exported), String(b.deleted), b.file]),
          ),
        );
        out(
          `${r.blasts.length} ${r.blasts.length === 1 ? 'blast' : 'blasts'} archived: ${r.exported} recipients exported, ${r.deleted} deleted`,
        );
      }),
    );
}
