import { type Command, InvalidArgumentError } from 'commander';
import { isTimeZone } from '../domain/stageFunnel.ts';
import { STATUS_LABELS } from '../domain/statusLabel.ts';
import { STATUSES, type Status } from '../domain/status.ts';
import { wallClock } from '../domain/wallClock.ts';
import { ApiClient, CliError, type GlobalOptions } from './client.ts';

/** Everything the CLI prints goes through here (stdout), so tests and pipes see exactly this. */
export function out(text = ''): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** A plain text table: left-aligned columns, numbers right-aligned. */
export function table(head: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  // Columns of numbers (and percentages) are right-aligned.
  const numeric = head.map((_, i) => cells.some((r) => r[i] !== '') && cells.every((r) => r[i] === '' || /^-?[\d.,]+%?$/.test(r[i]!)));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}

export const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/** The zone times are shown in: --tz, else this machine's (which TZ= also sets). */
let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
let clock = wallClock(zone);

export function setDisplayZone(tz: string | undefined): void {
  if (tz === undefined || tz === '') return;
  if (!isTimeZone(tz)) throw new CliError(`--tz: ${JSON.stringify(tz)} is not a time zone name such as Asia/Kuala_Lumpur`);
  zone = tz;
  clock = wallClock(tz);
}

/** The line under a table of times: which clock they are on. */
export const timesIn = (): string => `Times in ${zone}.`;

/** `2026-05-01T01:00:00.000Z` → `2026-05-01 09:00` on the display zone's clock; empty for null. */
export const time = (iso: string | null | undefined): string => clock(iso).slice(0, 16);

/** A status as people say it ("Read"), from the lattice's name (READ_ACK). */
export const label = (status: string): string => STATUS_LABELS[status as Status] ?? status;

/**
 * `--status read,replied` or `--status READ_ACK,REPLIED`: the labels people see, or the API's
 * names, into the API's names; anything else is an error naming both spellings.
 */
export function statusList(value: string): string {
  return list(value)
    .map((s) => {
      const code = STATUSES.find((c) => c === s.toUpperCase() || STATUS_LABELS[c].toLowerCase() === s.toLowerCase());
      if (!code) {
        throw new InvalidArgumentError(
          `unknown status ${JSON.stringify(s)}; one of ${STATUSES.map((c) => `${STATUS_LABELS[c].toLowerCase()} (${c})`).join(', ')}`,
        );
      }
      return code;
    })
    .join(',');
}

/** A commander argument parser for ids: a positive whole number, or an error naming what the id is of. */
export function idArgument(what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
      throw new InvalidArgumentError(`a ${what} id is a positive whole number`);
    return n;
  };
}

/** commander argument parser for blast ids. */
export const blastId = idArgument('blast');

/** A comma list: "a, b,,c" → ["a","b","c"]. */
export const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export interface Context {
  api: ApiClient;
  json: boolean;
}

/**
 * Wraps a command action: builds the API client from the global options and turns any failure
 * into `error: <message>` on stderr with exit code 1, never a stack trace.
 */
export function action<A extends unknown[]>(fn: (ctx: Context, ...args: A) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    try {
      setDisplayZone(globals.tz);
      const ctx: Context = { api: new ApiClient(globals), json: Boolean(globals.json) };
      await fn(ctx, ...(args.slice(0, -1) as unknown as A));
    } catch (err) {
      const message = err instanceof CliError ? err.message : err instanceof Error ? err.message : String(err);
      process.stderr.write(`error: ${message}\n`);
      process.exitCode = 1;
    }
  };
}
