import { findPhoneColumn } from './csvHeader.ts';
import { guessDelimiter, parseCsvTable } from './csvRecipients.ts';

/**
 * What a person pastes (a list of numbers, or rows copied from a spreadsheet) turned into
 * recipients: the one splitter of the dashboard and the CLI's `--numbers`.
 *
 * - Numbers are separated by new lines, commas, semicolons and tabs. A space separates two numbers
 *   only when every space-separated piece is a whole number on its own: "+60 12-345 6789" is one
 *   number, "60123456789 60198765432" two.
 * - Text beside a number is its name (`{{name}}`): in the same cell ("Muthu 012-345 6703",
 *   "0123456789 Ali, 0198765432 Siti"), or in its own cell on a row of one number
 *   ("0123456789⇥Muthu", "0123456789, Muthu"; further text cells are left out). Beside several
 *   numbers a text cell belongs to none of them and is kept as an entry, for the server to report.
 * - A first line that is a header with a phone column (domain/csvHeader.ts) and no number makes the
 *   paste a table: every other column becomes a variable named by its header.
 * A line with no number at all is kept as it was typed, so the server reports it as invalid.
 */
export interface PastedRecipient {
  /** The number as pasted. */
  input: string;
  /** 1-based line of the pasted text it came from. */
  sourceLine: number;
  vars: Record<string, string>;
}

export interface PastedRecipients {
  recipients: PastedRecipient[];
  /** Variables the paste carries: ["name"], or a header's columns. */
  columns: string[];
  /** Text cells beyond a name that were left out (a header row keeps them). */
  ignoredCells: number;
}

const DIGITS_MIN = 8;
/** Fewer digits beside words are part of the text ("Unit 5"), not a number. */
const NUMBER_DIGITS_MIN = 5;
const PHONEISH = /^\+?[\d\-().]*\d[\d\-().]*$/;

export function splitPastedRecipients(text: string): PastedRecipients {
  const lines = text.split(/\r\n|\r|\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first >= 0) {
    const line = lines[first]!;
    const delimiter = line.includes('\t') ? '\t' : guessDelimiter(line);
    const header = cellsOf(line, delimiter);
    const phone = findPhoneColumn(header);
    if (phone >= 0 && header.every((h) => digitCount(h) < DIGITS_MIN)) return asTable(lines, first, header, phone, delimiter);
  }
  const recipients: PastedRecipient[] = [];
  let ignoredCells = 0;
  lines.forEach((line, i) => {
    const found = splitLine(line);
    ignoredCells += found.ignored;
    for (const r of found.recipients) recipients.push({ ...r, sourceLine: i + 1 });
  });
  const named = recipients.some((r) => r.vars.name !== undefined);
  return { recipients, columns: named ? ['name'] : [], ignoredCells };
}

/** What the API takes for one pasted recipient: the bare number, or the number with its variables. */
export function toRecipientInput(r: PastedRecipient): string | ({ phone: string } & Record<string, string>) {
  return Object.keys(r.vars).length > 0 ? { ...r.vars, phone: r.input } : r.input;
}

/** A loose local check, only used to pick who a preview is rendered for. The server decides. */
export function looksLikePhone(input: string): boolean {
  return /^\+?\d{8,15}$/.test(input.replace(/[\s\-().]/g, ''));
}

function asTable(lines: string[], headerAt: number, header: string[], phone: number, delimiter: string): PastedRecipients {
  const recipients: PastedRecipient[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cells = cellsOf(lines[i]!, delimiter);
    const vars: Record<string, string> = {};
    header.forEach((h, j) => {
      if (j !== phone && h) vars[h] = cells[j] ?? '';
    });
    recipients.push({ input: cells[phone] ?? '', sourceLine: i + 1, vars });
  }
  return { recipients, columns: header.filter((h, j) => j !== phone && h), ignoredCells: 0 };
}

function cellsOf(line: string, delimiter: string): string[] {
  return (parseCsvTable(line, delimiter).header ?? []).map((c) => c.trim());
}

type Item = { kind: 'phone'; input: string; cell: number; name?: string } | { kind: 'text'; text: string; cell: number };

function splitLine(line: string): { recipients: Array<Omit<PastedRecipient, 'sourceLine'>>; ignored: number } {
  const items: Item[] = [];
  // Spreadsheet rows are tab-separated and a name may hold a comma ("Tan, Ah Kow"): with tabs, only
  // a cell without letters is split further on commas and semicolons.
  const cells = line.includes('\t') ? line.split('\t').flatMap((c) => (/\p{L}/u.test(c) ? [c] : c.split(/[,;]/))) : line.split(/[,;]/);
  cells.forEach((raw, cell) => {
    const trimmed = unquote(raw.trim());
    if (trimmed) items.push(...cellItems(trimmed, cell));
  });
  const phones = items.filter((it): it is Extract<Item, { kind: 'phone' }> => it.kind === 'phone');
  if (phones.length === 0) return { recipients: items.length ? [{ input: line.trim(), vars: {} }] : [], ignored: 0 };
  let ignored = 0;
  const strays: string[] = [];
  items.forEach((it, at) => {
    if (it.kind !== 'text') return;
    const free = (p: Item) => p.kind === 'phone' && p.name === undefined && p.cell === it.cell;
    const owner = nearest(items, at, free);
    if (owner && owner.kind === 'phone') owner.name = it.text;
    // A cell of its own is a name only on a row of one number (phone⇥name); beside several numbers
    // ("0123456789, not a number, 0198765432") nobody can tell whose it is, so it is reported.
    else if (phones.length === 1 && phones[0]!.name === undefined) phones[0]!.name = it.text;
    else if (phones.length === 1) ignored++;
    else strays.push(it.text);
  });
  const recipients = phones.map((p) => ({
    input: p.input,
    vars: (p.name === undefined ? {} : { name: p.name }) as Record<string, string>,
  }));
  for (const input of strays) recipients.push({ input, vars: {} });
  return { recipients, ignored };
}

/** The closest item before `at` that matches, else the closest after it. */
function nearest(items: Item[], at: number, match: (it: Item) => boolean): Item | undefined {
  for (let i = at - 1; i >= 0; i--) if (match(items[i]!)) return items[i];
  for (let i = at + 1; i < items.length; i++) if (match(items[i]!)) return items[i];
  return undefined;
}

/** One cell: its numbers and its words, in order. */
function cellItems(cell: string, index: number): Item[] {
  const tokens = cell.split(/\s+/);
  const hasWords = tokens.some((t) => !PHONEISH.test(t));
  if (!hasWords) {
    const many = tokens.length > 1 && tokens.every((t) => digitCount(t) >= DIGITS_MIN);
    return (many ? tokens : [cell]).map((input) => ({ kind: 'phone', input, cell: index }));
  }
  const items: Item[] = [];
  let words: string[] = [];
  let run: string[] = [];
  const endRun = () => {
    if (run.length === 0) return;
    if (digitCount(run.join('')) < NUMBER_DIGITS_MIN) words.push(...run);
    else {
      endWords();
      const many = run.length > 1 && run.every((t) => digitCount(t) >= DIGITS_MIN);
      for (const input of many ? run : [run.join(' ')]) items.push({ kind: 'phone', input, cell: index });
    }
    run = [];
  };
  const endWords = () => {
    if (words.length) items.push({ kind: 'text', text: words.join(' '), cell: index });
    words = [];
  };
  for (const t of tokens) {
    if (PHONEISH.test(t)) run.push(t);
    else {
      endRun();
      words.push(t);
    }
  }
  endRun();
  endWords();
  return items;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"').trim() : s;
}

function digitCount(s: string): number {
  return s.replace(/\D/g, '').length;
}
