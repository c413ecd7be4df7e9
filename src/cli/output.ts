import { type Command, InvalidArgumentError } from 'commander';
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

/** `2026-05-01T09:00:00.000Z` → `2026-05-01 09:00:00Z`; empty for null. */
export const time = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 19).replace('T', ' ')}Z` : '');

/** commander argument parser for blast ids. */
export function blastId(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a blast id is a positive whole number');
  return n;
}

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
      const ctx: Context = { api: new ApiClient(globals), json: Boolean(globals.json) };
      await fn(ctx, ...(args.slice(0, -1) as unknown as A));
    } catch (err) {
      const message = err instanceof CliError ? err.message : err instanceof Error ? err.message : String(err);
      process.stderr.write(`error: ${message}\n`);
      process.exitCode = 1;
    }
  };
}
