import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseRecipientsCsv } from '../../src/blasts/parseCsv.ts';
import { AppError } from '../../src/errors.ts';

async function csvError(input: string | Readable, maxRows = 100): Promise<AppError> {
  try {
    await parseRecipientsCsv(input, maxRows);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected the CSV to be refused');
}

describe('parseRecipientsCsv', () => {
  it('reads a phone column and keeps every other column as a variable', async () => {
    expect(await parseRecipientsCsv('phone,name,city\n0123456789,Ali,KL\n', 10)).toEqual([
      { phone: '0123456789', vars: { name: 'Ali', city: 'KL' } },
    ]);
  });

  it.each([['Phone'], ['PHONE_NUMBER'], ['phone number'], ['Mobile'], ['WhatsApp'], ['msisdn'], ['phone-number']])(
    'finds the phone column under the header %j',
    async (header) => {
      const rows = await parseRecipientsCsv(`name,${header}\nAli,0123456789\n`, 10);
      expect(rows).toEqual([{ phone: '0123456789', vars: { name: 'Ali' } }]);
    },
  );

  it('ignores a byte-order mark, blank lines, surrounding spaces and CRLF line ends', async () => {
    const rows = await parseRecipientsCsv('\uFEFFphone , name\r\n\r\n 0123456789 , Ali \r\n\r\n0123456790,Siti\r\n', 10);
    expect(rows).toEqual([
      { phone: '0123456789', vars: { name: 'Ali' } },
      { phone: '0123456790', vars: { name: 'Siti' } },
    ]);
  });

  it('reads from a stream arriving in small pieces', async () => {
    const text = 'phone,name\n0123456789,"Tan, Ah Kow"\n0123456790,Siti\n';
    const chunks = text.match(/.{1,5}/gs)!;
    expect(await parseRecipientsCsv(Readable.from(chunks.map((c) => Buffer.from(c))), 10)).toEqual([
      { phone: '0123456789', vars: { name: 'Tan, Ah Kow' } },
      { phone: '0123456790', vars: { name: 'Siti' } },
    ]);
  });

  it('names the line where an unclosed quote opens, not the end of the file', async () => {
    const err = await csvError('phone,name\n0123,"Multi\nline"\n\n0124,Siti\n0125,"Bob\n0126,X\n0127,Y\n');
    expect(err.code).toBe('invalid_csv');
    expect(err.message).toMatch(/line 6\b/);
  });

  it('names line 1 when the header itself has an unclosed quote', async () => {
    expect((await csvError('phone,"name\n0123,x\n')).message).toMatch(/line 1\b/);
  });

  it('names the line of a row with too many columns', async () => {
    const err = await csvError('phone,name\n0123456789,Ali\n0123456790,Siti,extra\n');
    expect(err.code).toBe('invalid_csv');
    expect(err.message).toMatch(/line 3\b/);
  });

  it('refuses a CSV without a phone column, listing what it found', async () => {
    const err = await csvError('name,city\nAli,KL\n');
    expect(err.code).toBe('invalid_csv');
    expect(err.message).toContain('name, city');
  });

  it('refuses an empty CSV', async () => {
    expect((await csvError('')).code).toBe('invalid_csv');
    expect((await csvError('\n\n')).code).toBe('invalid_csv');
  });

  it('accepts a header with no rows as an empty list', async () => {
    expect(await parseRecipientsCsv('phone,name\n', 10)).toEqual([]);
  });

  it('stops at more than maxRows rows with too_many_recipients', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => `012345678${i}`).join('\n');
    expect(await parseRecipientsCsv(`phone\n${rows.split('\n').slice(0, 5).join('\n')}\n`, 5)).toHaveLength(5);
    const err = await csvError(`phone\n${rows}\n`, 5);
    expect(err.code).toBe('too_many_recipients');
    expect(err.status).toBe(413);
  });
});
