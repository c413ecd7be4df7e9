import { findPhoneColumn, noPhoneColumnMessage } from './csvHeader.ts';

/**
 * A small RFC 4180 reader for recipient tables held in memory (the dashboard's file preview, a
 * pasted table with a header row): quoted fields, doubled quotes, CRLF, a BOM, and comma,
 * semicolon or tab as the separator (guessed from the header line). The server streams uploads
 * through csv-parse instead (blasts/parseCsv.ts); both find the phone column by domain/csvHeader.ts.
 */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function parseCsvTable(input: string, delimiter?: string): CsvTable {
  const text = input.replace(/^\uFEFF/, '');
  const sep = delimiter ?? guessDelimiter(text.split(/\r?\n/, 1)[0] ?? '');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
    } else if (c === '"' && field === '') inQuotes = true;
    else if (c === sep) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => r.some((f) => f.trim() !== ''));
  const [header = [], ...rows] = nonEmpty;
  return { header: header.map((h) => h.trim()), rows };
}

export function guessDelimiter(line: string): string {
  const counts: Array<[string, number]> = [',', ';', '\t'].map((d) => [d, line.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0] && counts[0][1] > 0 ? counts[0][0] : ',';
}

export interface CsvRecipients {
  recipients: Array<{ phone: string } & Record<string, string>>;
  /** the CSV line (1-based, header is line 1) of each recipient */
  sourceLines: number[];
  columns: string[];
  phoneColumn: string;
}

/** Reads a recipients CSV. Throws an Error with a readable message when there is no phone column. */
export function csvToRecipients(text: string): CsvRecipients {
  const { header, rows } = parseCsvTable(text);
  if (header.length === 0) throw new Error('The file is empty.');
  const phoneIndex = findPhoneColumn(header);
  if (phoneIndex < 0) throw new Error(noPhoneColumnMessage(header));
  const recipients: CsvRecipients['recipients'] = [];
  const sourceLines: number[] = [];
  rows.forEach((row, i) => {
    const rec: Record<string, string> = {};
    header.forEach((h, j) => {
      if (j !== phoneIndex && h) rec[h] = (row[j] ?? '').trim();
    });
    recipients.push({ ...rec, phone: (row[phoneIndex] ?? '').trim() });
    sourceLines.push(i + 2);
  });
  return {
    recipients,
    sourceLines,
    columns: header.filter((h, j) => j !== phoneIndex && h),
    phoneColumn: header[phoneIndex] ?? 'phone',
  };
}
