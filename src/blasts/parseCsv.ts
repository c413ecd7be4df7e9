import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { findPhoneColumn, noPhoneColumnMessage } from '../domain/csvHeader.ts';
import { AppError } from '../errors.ts';
import type { RawRecipient } from './prepareRecipients.ts';

/**
 * Reads a recipients CSV: a header row, one column holding the phone number (the one header rule,
 * domain/csvHeader.ts, shared with the dashboard), every other column a template variable. Streams, so a large
 * upload is parsed as it arrives; stops with a clear error naming the line at the first broken row.
 */
export async function parseRecipientsCsv(
  input: Readable | Buffer | string,
  maxRows: number,
  /**
   * Takes each row as it is read instead of collecting them (the result is then empty): an upload
   * of 100,000 rows is prepared as it arrives, and its raw rows die young instead of all being
   * held at once (bench rss_peak).
   */
  onRow?: (row: RawRecipient) => void,
): Promise<RawRecipient[]> {
  // The line the last complete record ended on: an unclosed quote is only noticed at the end of
  // the file, and the error should name the line where the quote was opened, not the last one.
  let lastGoodLine = 0;
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_quotes: false,
    // One record (a line, or quoted cells over several) of at most 64 KiB: a file without line
    // breaks cannot make the parser buffer the whole upload (README: Limits).
    max_record_size: 64 * 1024,
    on_record: (record: string[], context: { lines: number }) => {
      lastGoodLine = context.lines;
      return record;
    },
  });
  const source = typeof input === 'string' || Buffer.isBuffer(input) ? null : input;
  if (source) {
    // pipe() does not forward errors: a source that fails (an upload cut short) would leave the
    // parser waiting for an end that never comes, and the request hanging.
    source.once('error', (err) => parser.destroy(err));
    source.pipe(parser);
  } else parser.end(input);

  let header: string[] | null = null;
  let phoneCol = -1;
  const out: RawRecipient[] = [];
  let rowCount = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((h) => h.trim());
        phoneCol = findPhoneColumn(header);
        if (phoneCol < 0) {
          throw new AppError('invalid_csv', noPhoneColumnMessage(header), [{ field: 'file', message: 'no phone column' }]);
        }
        continue;
      }
      if (rowCount >= maxRows) {
        throw new AppError('too_many_recipients', `The CSV has more than ${maxRows.toLocaleString('en')} rows`, [
          { field: 'file', message: `at most ${maxRows} rows` },
        ]);
      }
      const vars: Record<string, string> = {};
      header.forEach((h, i) => {
        if (i !== phoneCol && h !== '' && record[i] !== undefined) vars[h] = record[i]!;
      });
      rowCount++;
      const row = { phone: record[phoneCol] ?? '', vars };
      if (onRow) onRow(row);
      else out.push(row);
    }
  } catch (err) {
    source?.unpipe(parser);
    source?.resume();
    if (err instanceof AppError) throw err;
    const e = err as { message?: string; lines?: number; code?: string };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      const line = lastGoodLine + 1;
      throw new AppError('invalid_csv', `The CSV could not be read at line ${line}: a quote opened there is never closed`, [
        { field: 'file', message: `unclosed quote at line ${line}` },
      ]);
    }
    throw new AppError('invalid_csv', `The CSV could not be read${e.lines ? ` at line ${e.lines}` : ''}: ${e.message ?? 'malformed'}`, [
      { field: 'file', message: e.message ?? 'malformed CSV' },
    ]);
  }
  if (!header) throw new AppError('invalid_csv', 'The CSV is empty', [{ field: 'file', message: 'empty file' }]);
  return out;
}
