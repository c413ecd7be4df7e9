import { writeFileSync } from 'node:fs';

/**
 * One row of the benchmark table. `ratio` is always "times better than the baseline" (higher is
 * better), whichever way the unit points: for a rate it is value/baseline, for a time or a count
 * of calls it is baseline/value. `met` says whether the goal held in this run; benchmarks never
 * fail a build, they only say so.
 */
export interface BenchResult {
  name: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  goal: string;
  met: boolean;
}

/** Free-form figures behind a row (sizes, extrapolations, counts checked), printed under the table. */
export type Details = Record<string, unknown>;

export interface BenchOutcome {
  result: BenchResult;
  details: Details;
}

/** A row for a benchmark that could not run: no value, goal not met, the reason in the details. */
export function notRun(name: string, unit: string, goal: string, reason: string): BenchOutcome {
  return { result: { name, value: null, unit, baseline: null, ratio: null, goal, met: false }, details: { error: reason } };
}

export function round(x: number | null, digits = 3): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  const p = 10 ** Math.max(0, digits - Math.max(0, Math.floor(Math.log10(Math.abs(x) || 1)) + 1));
  return Math.round(x * p) / p;
}

const fmt = (x: number | null): string => {
  if (x === null) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en');
  return String(round(x, 3));
};

export function formatTable(results: readonly BenchResult[]): string {
  const head = ['name', 'value', 'unit', 'baseline', 'ratio', 'goal', 'met'];
  const body = results.map((r) => [
    r.name,
    fmt(r.value),
    r.unit,
    fmt(r.baseline),
    r.ratio === null ? '—' : `${fmt(r.ratio)}×`,
    r.goal,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function writeResults(path: string, results: readonly BenchResult[], extra: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify({ results, ...extra }, null, 2)}\n`);
}
