import type { ExportedRecipient } from '../blasts/exportRecipients.ts';
import { isNameVariable } from '../domain/recipientName.ts';
import { statusLabel } from '../domain/statusLabel.ts';
import type { Status } from '../domain/status.ts';
import { utcOffsetLabel, wallClock } from '../domain/wallClock.ts';
import { csvCell } from './csvCell.ts';

/**
 * The recipients export, made for a spreadsheet rather than a database: the name first, the
 * status as the dashboard says it ("Read", not READ_ACK; "Opted out" for a number on the list),
 * the latest reply's text, times on the business's wall clock with the zone in the header, the
 * reason in one wording; the machine fields (ids, the gateway's own words) last. Starts with a
 * byte-order mark so Excel reads the names as UTF-8; every cell is defused against formulas.
 */
export async function* recipientsCsv(
  chunks: AsyncIterable<ExportedRecipient[]>,
  vars: readonly string[],
  tz: string,
  now: number,
): AsyncGenerator<string> {
  const name = vars.find(isNameVariable);
  const others = vars.filter((v) => v !== name);
  const zone = `${tz}, ${utcOffsetLabel(tz, now)}`;
  const at = wallClock(tz);
  const columns: Array<[string, (r: ExportedRecipient) => unknown]> = [
    ...(name !== undefined ? [[name, (r: ExportedRecipient) => r.variables?.[name]] as [string, (r: ExportedRecipient) => unknown]] : []),
    ['Phone', (r) => r.phone_number],
    ['Status', (r) => statusLabel(r.status as Status, r.opted_out)],
    ['Reply', (r) => r.reply_text],
    [`Replied (${zone})`, (r) => at(r.reply_at ?? r.replied_at)],
    [`Sent (${zone})`, (r) => at(r.sent_at)],
    [`Received (${zone})`, (r) => at(r.delivered_at)],
    [`Read (${zone})`, (r) => at(r.read_at)],
    [`Closed (${zone})`, (r) => at(r.closed_at)],
    ['Outcome', (r) => r.close_outcome],
    ['Note', (r) => r.close_note],
    ['Not delivered because', (r) => r.failure_reason],
    ['Attempts', (r) => r.attempts],
    ...others.map((k): [string, (r: ExportedRecipient) => unknown] => [k, (r) => r.variables?.[k]]),
    ['Recipient ID', (r) => r.id],
    ['Message ID', (r) => r.message_id],
    ['Gateway said', (r) => r.last_error],
  ];
  yield `\uFEFF${columns.map(([h]) => csvCell(h)).join(',')}\n`;
  for await (const chunk of chunks) {
    yield `${chunk.map((r) => columns.map(([, get]) => csvCell(get(r))).join(',')).join('\n')}\n`;
  }
}

/**
 * `blast-3-raya-promo-replied-2026-11-30.csv`: which blast, which filter, which day (in the
 * business's zone), so three exports in a Downloads folder are told apart.
 */
export function exportFileName(
  blast: { id: number; tag: string | null },
  filter: { statuses?: readonly string[] | undefined; phone?: string | undefined },
  tz: string,
  now: number,
): string {
  const parts = [`blast-${blast.id}`];
  const tag = slug(blast.tag ?? '');
  if (tag) parts.push(tag);
  if (filter.statuses?.length) parts.push(filter.statuses.map((s) => slug(statusLabel(s as Status))).join('+'));
  const digits = filter.phone?.replace(/\D/g, '');
  if (digits) parts.push(`phone-${digits}`);
  parts.push(wallClock(tz)(new Date(now).toISOString()).slice(0, 10));
  return `${parts.join('-')}.csv`;
}

/** Content-Disposition for a file name: an ASCII fallback and the exact name (RFC 6266). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Letters and digits of any script, lower-cased, joined by single dashes, at most 40 characters. */
function slug(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
