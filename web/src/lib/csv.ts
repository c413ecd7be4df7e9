// A small RFC 4180 CSV reader for recipient files: quoted fields, doubled quotes, CRLF, a BOM,
// and comma, semicolon or tab as the separator (guessed from the header line).

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function parseCsv(input: string): CsvTable {
  const text = input.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = guessDelimiter(firstLine);
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
    else if (c === delimiter) {
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

function guessDelimiter(line: string): string {
  const counts: Array<[string, number]> = [',', ';', '\t'].map((d) => [d, line.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0] && counts[0][1] > 0 ? counts[0][0] : ',';
}

const PHONE_HEADERS = ['phone', 'phone_number', 'phonenumber', 'number', 'mobile', 'whatsapp', 'msisdn', 'to'];

export interface CsvRecipients {
  recipients: Array<{ phone: string } & Record<string, string>>;
  /** the CSV line (1-based, header is line 1) of each recipient */
  sourceLines: number[];
  columns: string[];
  phoneColumn: string;
}

/** Reads a recipients CSV. Throws an Error with a readable message when there is no phone column. */
export function csvToRecipients(text: string): CsvRecipients {
  const { header, rows } = parseCsv(text);
  if (header.length === 0) throw new Error('The file is empty.');
  const phoneIndex = header.findIndex((h) => PHONE_HEADERS.includes(h.toLowerCase().replace(/\s+/g, '_')));
  if (phoneIndex < 0) {
    throw new Error(
      `The first row must be a header with a "phone" column. Found: ${header.map((h) => `"${h}"`).join(', ') || 'nothing'}.`,
    );
  }
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
