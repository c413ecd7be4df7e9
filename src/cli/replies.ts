import type { Command } from 'commander';
import type { ReplyView } from '../inbox/listReplies.ts';
import { action, blastId, label, out, printJson, table, time, timesIn } from './output.ts';

/** `wablast replies`: the inbox across blasts, newest first. */
export function registerReplies(program: Command): void {
  program
    .command('replies')
    .description('replies across blasts, newest first')
    .option('--blast <id>', 'only replies to this blast', blastId)
    .option('--tag <tag>', 'only replies to blasts with this tag')
    .option('--stage <stage>', 'only replies to blasts of this follow-up stage')
    .option('--open', 'only replies not yet closed')
    .option('--q <text>', 'search the number (any spelling) or the text')
    .option('--limit <n>', 'how many (at most 500)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .action(
      action(
        async (
          { api, json },
          opts: { blast?: number; tag?: string; stage?: string; open?: boolean; q?: string; limit: string; offset: string },
        ) => {
          const page = await api.json<{ replies: ReplyView[]; total: number; offset: number }>('GET', '/api/replies', {
            query: {
              blast_id: opts.blast === undefined ? undefined : String(opts.blast),
              tag: opts.tag,
              stage: opts.stage,
              open: opts.open ? 'true' : undefined,
              q: opts.q,
              limit: opts.limit,
              offset: opts.offset,
            },
          });
          if (json) return printJson(page);
          if (page.replies.length === 0) return out(page.total === 0 ? 'No replies match.' : 'No replies on this page.');
          out(
            table(
              ['RECEIVED', 'NAME', 'PHONE', 'BLAST', 'RECIPIENT', 'STATUS', 'REPLY'],
              page.replies.map((r) => [
                time(r.received_at),
                r.name ?? '',
                r.phone,
                r.blast_id === null ? '—' : `#${r.blast_id} ${r.blast_tag ?? ''}`.trim(),
                r.recipient_id ?? '',
                r.opted_out
                  ? 'Opted out'
                  : r.status === 'CLOSED'
                    ? `Closed${r.outcome ? ` (${r.outcome})` : ''}`
                    : r.status
                      ? label(r.status)
                      : '',
                oneLine(r.text),
              ]),
            ),
          );
          const shown = page.offset + page.replies.length;
          out(
            `${shown < page.total ? `${page.offset + 1}–${shown} of ` : ''}${page.total} ${page.total === 1 ? 'reply' : 'replies'}. ${timesIn()} Close one with: wablast close <RECIPIENT>`,
          );
        },
      ),
    );
}

const oneLine = (s: string) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
};
