import { describe, expect, it } from 'vitest';
import { findPhoneColumn, isPhoneHeader } from '../../src/domain/csvHeader.ts';
import { csvToRecipients } from '../../src/domain/csvRecipients.ts';
import { splitPastedRecipients, toRecipientInput } from '../../src/domain/pastedRecipients.ts';

const entries = (text: string) => splitPastedRecipients(text).recipients.map((r) => [r.input, r.vars.name ?? null, r.sourceLine]);

describe('the paste splitter', () => {
  it('splits numbers on new lines, commas, semicolons and tabs', () => {
    expect(entries('0123456789\n0198765432, 0112345678;0167778888\t0171234567')).toEqual([
      ['0123456789', null, 1],
      ['0198765432', null, 2],
      ['0112345678', null, 2],
      ['0167778888', null, 2],
      ['0171234567', null, 2],
    ]);
  });

  it('keeps spaces inside one number, and splits on spaces only between whole numbers', () => {
    expect(entries('+60 12-345 6789\n60123456789 60198765432')).toEqual([
      ['+60 12-345 6789', null, 1],
      ['60123456789', null, 2],
      ['60198765432', null, 2],
    ]);
  });

  it('keeps the name of spreadsheet rows: phone⇥name and phone,name', () => {
    expect(entries('0123456701\tAli\n0123456702,Siti Nurhaliza\r\n+60 12-345 6703\tTan Ah Kow')).toEqual([
      ['0123456701', 'Ali', 1],
      ['0123456702', 'Siti Nurhaliza', 2],
      ['+60 12-345 6703', 'Tan Ah Kow', 3],
    ]);
    expect(splitPastedRecipients('0123456701\tAli').columns).toEqual(['name']);
  });

  it('reads "012-345 6703 Muthu" as a number and a name, and the name may come first', () => {
    expect(entries('012-345 6703 Muthu\nMuthu bin Ali 012-345 6704\nSiti\t0123456705')).toEqual([
      ['012-345 6703', 'Muthu', 1],
      ['012-345 6704', 'Muthu bin Ali', 2],
      ['0123456705', 'Siti', 3],
    ]);
  });

  it('pairs each name with its own number on a line of several', () => {
    expect(entries('0123456701 Ali, 0123456702 Siti')).toEqual([
      ['0123456701', 'Ali', 1],
      ['0123456702', 'Siti', 1],
    ]);
  });

  it('reports a text cell between several numbers instead of guessing whose name it is', () => {
    expect(entries('+60123456789, 012-345 6790,not a number')).toEqual([
      ['+60123456789', null, 1],
      ['012-345 6790', null, 1],
      ['not a number', null, 1],
    ]);
  });

  it('keeps short digit runs beside words in the name, and counts text cells beyond the name', () => {
    expect(entries('0123456701\tUnit 5 Ali')).toEqual([['0123456701', 'Unit 5 Ali', 1]]);
    expect(splitPastedRecipients('0123456701\tAli\tKuala Lumpur').ignoredCells).toBe(1);
  });

  it('keeps a line without any number as typed, for the server to report', () => {
    expect(entries('Muthu\n\n0123456701')).toEqual([
      ['Muthu', null, 1],
      ['0123456701', null, 3],
    ]);
  });

  it('reads a pasted table with a header row: every column a variable named by its header', () => {
    const pasted = splitPastedRecipients('Name\tPhone Number\tCity\nAli\t0123456701\tKL\n\nSiti\t0123456702\t"Johor, Bahru"\n');
    expect(pasted.columns).toEqual(['Name', 'City']);
    expect(pasted.recipients).toEqual([
      { input: '0123456701', sourceLine: 2, vars: { Name: 'Ali', City: 'KL' } },
      { input: '0123456702', sourceLine: 4, vars: { Name: 'Siti', City: 'Johor, Bahru' } },
    ]);
    expect(splitPastedRecipients('phone,name\n0123456701,"Tan, Ah Kow"').recipients[0]!.vars).toEqual({ name: 'Tan, Ah Kow' });
  });

  it('turns entries into what the API takes', () => {
    const [plain, named] = splitPastedRecipients('0123456701\n0123456702\tAli').recipients;
    expect(toRecipientInput(plain!)).toBe('0123456701');
    expect(toRecipientInput(named!)).toEqual({ phone: '0123456702', name: 'Ali' });
  });
});

describe('the CSV header rule', () => {
  it.each([
    'phone',
    'Phone',
    'PHONE_NUMBER',
    'phone number',
    'phone-number',
    'Phone No.',
    'No. HP',
    'Mobile',
    'WhatsApp',
    'msisdn',
    ' to ',
  ])('%j is a phone column', (h) => expect(isPhoneHeader(h)).toBe(true));

  it.each(['name', 'phones', 'city', 'telephone number please', ''])('%j is not', (h) => expect(isPhoneHeader(h)).toBe(false));

  it('the first matching column wins, and the dashboard reads "phone-number" files like the API', () => {
    expect(findPhoneColumn(['name', 'phone-number', 'mobile'])).toBe(1);
    const csv = csvToRecipients('Name,phone-number\nAli,0123456701\n');
    expect(csv).toMatchObject({ phoneColumn: 'phone-number', columns: ['Name'], recipients: [{ phone: '0123456701', Name: 'Ali' }] });
    expect(() => csvToRecipients('name,city\nAli,KL\n')).toThrow(/"phone" column.*Found: name, city/);
  });
});

describe('the paste splitter with tabs', () => {
  it('keeps a comma inside a tab-separated name', () => {
    expect(entries('0123456701\tTan, Ah Kow')).toEqual([['0123456701', 'Tan, Ah Kow', 1]]);
  });
});
