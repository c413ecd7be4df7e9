import type { Readable } from 'node:stream';
import { Parser } from 'csv-parse';
import { findPhoneColumn, noPhoneColumnMessage } from '../domain/csvHeader.ts';
import { AppError } from '../errors.ts';
import type { RawRecipient } from './prepareRecipients.ts';

/**
 * csv-parse that remembers the line its last complete record ended on: an unclosed quote is only
 * noticed at the end of the file, and the error should name the line where the quote was opened,
 * not the last one. Read as each record is pushed (the parser has just counted its lines), not
 * through `on_record`, which builds two context objects per row (a sixth of the parse time).
 */
class LineTrackingParser extends Parser {
  lastRecordLine = 0;

  override push(chunk: unknown): boolean {
    if (chunk !== null) this.lastRecordLine = this.info.lines;
    return super.push(chunk);
  }
}

/**
 * Reads a recipients CSV: a header row, one column holding the phone number (the one header rule,
 * domain/csvHeader.ts, shared with the dashboard), every other column a template variable. Streams, so a large
 * upload is parsed as it is read and its rows die young (bench rss_peak); stops with a clear error
 * naming the line at the first broken row.
 */
export async function* readRecipientsCsv(input: Readable | Buffer | string, maxRows: number): AsyncGenerator<RawRecipient> {
  const parser = new LineTrackingParser({
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_quotes: false,
    // One record (a line, or quoted cells over several) of at most 64 KiB: a file without line
    // breaks cannot make the parser buffer the whole upload (README: Limits).
    max_record_size: 64 * 1024,
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
  let rowCount = 0;
  let finished = false;
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
      yield { phone: record[phoneCol] ?? '', vars };
    }
    finished = true;
  } catch (err) {
    if (err instanceof AppError) throw err;
    const e = err as { message?: string; lines?: number; code?: string };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      const line = parser.lastRecordLine + 1;
      throw new AppError('invalid_csv', `The CSV could not be read at line ${line}: a quote opened there is never closed`, [
        { field: 'file', message: `unclosed quote at line ${line}` },
      ]);
    }
    throw new AppError('invalid_csv', `The CSV could not be read${e.lines ? ` at line ${e.lines}` : ''}: ${e.message ?? 'malformed'}`, [
      { field: 'file', message: e.message ?? 'malformed CSV' },
    ]);
  } finally {
    // Stopped early (an error, or a reader that gave up): the rest of the source is drained, not
    // left paused with the request waiting on it.
    if (!finished) {
      source?.unpipe(parser);
      source?.resume();
      parser.destroy();
    }
  }
  if (!header) throw new AppError('invalid_csv', 'The CSV is empty', [{ field: 'file', message: 'empty file' }]);
}

/** The whole CSV at once (small files and tests; uploads read it row by row). */
export async function parseRecipientsCsv(input: Readable | Buffer | string, maxRows: number): Promise<RawRecipient[]> {
  const out: RawRecipient[] = [];
  for await (const row of readRecipientsCsv(input, maxRows)) out.push(row);
  return out;
}
