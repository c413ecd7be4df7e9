import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { SEQUENCE_SEGMENTS, formatDelay, parseDelay } from '../domain/sequence.ts';
import type { ChainReport } from '../sequences/chainReport.ts';
import type { SequenceView } from '../sequences/sequenceView.ts';
import { type ApiClient, ApiError, CliError } from './client.ts';
import { action, blastId, out, percent, printJson, table, time } from './output.ts';

interface StepBody {
  segment: string;
  delay_seconds: number;
  message: string;
  follow_up_stage: string | null;
}

const delayArg = (value: string): number => {
  const s = parseDelay(value);
  if (s === null) throw new InvalidArgumentError('a delay such as 90m, 36h, 2d or 1d12h');
  return s;
};

/** `wablast sequence …`: a blast's automatic follow-ups (PUT/GET /api/blasts/:id/sequence and friends). */
export function registerSequences(program: Command): void {
  const seq = program
    .command('sequence')
    .description("a blast's automatic follow-ups: steps sent to who has not replied, stopped by a reply");

  seq
    .command('show')
    .description('the steps (waiting, created, cancelled; when due; their blasts) and who is still in')
    .argument('<blast>', 'the blast the sequence follows up', blastId)
    .action(
      action(async ({ api, json }, id: number) => {
        const s = await api.json<SequenceView>('GET', `/api/blasts/${id}/sequence`);
        if (json) return printJson(s);
        out(formatSequence(s));
      }),
    );

  seq
    .command('add')
    .description('append a step (creates the sequence when the blast has none)')
    .argument('<blast>', 'the blast the sequence follows up', blastId)
    .addOption(new Option('--segment <segment>', 'who gets it, where they stopped').choices(SEQUENCE_SEGMENTS).makeOptionMandatory())
    .requiredOption('--delay <delay>', 'after the previous step finished sending: 90m, 36h, 2d, 1w', delayArg)
    .requiredOption('--message <message>', 'the message; recipients keep their template variables')
    .option('--stage <stage>', 'the follow-up stage it carries, e.g. "Follow-up 1"')
    .action(
      action(async ({ api, json }, id: number, opts: { segment: string; delay: number; message: string; stage?: string }) => {
        const steps = await currentSteps(api, id);
        steps.push({ segment: opts.segment, delay_seconds: opts.delay, message: opts.message, follow_up_stage: opts.stage ?? null });
        const s = await api.json<SequenceView>('PUT', `/api/blasts/${id}/sequence`, { json: { steps } });
        if (json) return printJson(s);
        out(`Step ${steps.length} added to the sequence of blast #${id}.`);
        out(formatSequence(s));
      }),
    );

  seq
    .command('set')
    .description(
      'replace the steps not yet created from a JSON file: [{"segment", "delay": "2d" or "delay_seconds", "message", "follow_up_stage"}]',
    )
    .argument('<blast>', 'the blast the sequence follows up', blastId)
    .requiredOption('--file <file>', 'JSON file with the whole list of steps (created ones repeated unchanged)')
    .action(
      action(async ({ api, json }, id: number, opts: { file: string }) => {
        const steps = parseStepsFile(
          await readFile(opts.file, 'utf8').catch((err: Error) => {
            throw new CliError(`cannot read ${opts.file}: ${err.message}`);
          }),
        );
        const s = await api.json<SequenceView>('PUT', `/api/blasts/${id}/sequence`, { json: { steps } });
        if (json) return printJson(s);
        out(formatSequence(s));
      }),
    );

  for (const [name, description] of [
    ['pause', 'create no step until resumed; everyone stays at their step'],
    ['resume', 'resume; a step that fell due meanwhile is created at once'],
    ['cancel', 'cancel the steps not yet created'],
  ] as const) {
    seq
      .command(name)
      .description(description)
      .argument('<blast>', 'the blast the sequence follows up', blastId)
      .action(
        action(async ({ api, json }, id: number) => {
          const r = await api.json<{ success: boolean; state: string }>('POST', `/api/blasts/${id}/sequence/${name}`);
          if (json) return printJson(r);
          out(`The sequence of blast #${id} is ${r.state}.`);
        }),
      );
  }

  seq
    .command('report')
    .description('the chain: per stage sent, read, replied, and the cumulative reply rate')
    .argument('<blast>', 'the blast the sequence follows up', blastId)
    .action(
      action(async ({ api, json }, id: number) => {
        const r = await api.json<ChainReport>('GET', `/api/blasts/${id}/sequence/report`);
        if (json) return printJson(r);
        out(`Blast #${id}: ${r.replied} of ${r.sent} sent replied at some step (${percent(r.reply_rate)}).`);
        out(
          table(
            ['STAGE', 'BLAST', 'NAME', 'SENT', 'READ', 'REPLIED', 'REPLIED SO FAR', 'RATE SO FAR'],
            r.stages.map((s) => [
              s.position === 0 ? 'root' : `step ${s.position}`,
              s.blast_id,
              s.follow_up_stage ?? '',
              s.sent,
              s.read,
              s.replied,
              s.cumulative_replied,
              percent(s.cumulative_reply_rate),
            ]),
          ),
        );
      }),
    );
}

async function currentSteps(api: ApiClient, id: number): Promise<StepBody[]> {
  try {
    const s = await api.json<SequenceView>('GET', `/api/blasts/${id}/sequence`);
    return s.steps
      .filter((x) => x.state !== 'cancelled')
      .map((x) => ({ segment: x.segment, delay_seconds: x.delay_seconds, message: x.message, follow_up_stage: x.follow_up_stage }));
  } catch (err) {
    // No sequence yet (the blast itself exists, or the PUT answers 404 for it).
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
}

/** The steps file: the API's fields, with `delay` ("2d") accepted in place of delay_seconds. */
export function parseStepsFile(text: string): StepBody[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CliError(`the steps file is not JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { steps?: unknown })?.steps;
  if (!Array.isArray(list)) throw new CliError('the steps file must hold a JSON array of steps (or {"steps": [...]})');
  return list.map((raw, i) => {
    const s = raw as Record<string, unknown>;
    const { delay, ...rest } = s;
    if (delay === undefined) return rest as unknown as StepBody;
    const seconds = typeof delay === 'string' ? parseDelay(delay) : null;
    if (seconds === null) throw new CliError(`step ${i + 1}: delay must be like 90m, 36h or 2d (or give delay_seconds)`);
    return { ...rest, delay_seconds: seconds } as unknown as StepBody;
  });
}

export function formatSequence(s: SequenceView): string {
  const lines = [
    `Sequence of blast #${s.blast_id} · ${s.state}${s.waiting_for_blast_id ? ` · waiting for blast #${s.waiting_for_blast_id} to finish sending` : ''}`,
  ];
  lines.push(
    table(
      ['STEP', 'SEGMENT', 'DELAY', 'STAGE', 'STATE', 'DUE', 'BLAST', 'RECIPIENTS', 'SENT', 'REPLIED'],
      s.steps.map((x) => [
        x.position,
        x.segment,
        formatDelay(x.delay_seconds),
        x.follow_up_stage ?? '',
        x.state,
        time(x.due_at),
        x.blast_id ?? '',
        x.recipients ?? '',
        x.counts?.sent ?? '',
        x.counts?.replied ?? '',
      ]),
    ),
  );
  const left = Object.entries(s.members.left)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why.replace('_', ' ')}`);
  lines.push(`Members: ${s.members.active} of ${s.members.total} still in${left.length ? `; left: ${left.join(', ')}` : ''}`);
  for (const t of s.members.taken_over_by) lines.push(`${t.members} taken over by the sequence of blast #${t.blast_id}`);
  return lines.join('\n');
}
