import { describe, expect, it } from 'vitest';
import { prepareRecipients } from '../../src/blasts/prepareRecipients.ts';
import { normalisePhone, splitPasted } from '../../src/domain/phone.ts';

const E164 = '+60123456789';

describe('normalisePhone (default region MY)', () => {
  it.each([
    ['+60123456789', 'international with plus'],
    ['60123456789', 'international without plus (spreadsheets drop it)'],
    ['0060123456789', 'international with 00 prefix'],
    ['0123456789', 'local 012… form'],
    ['012-345 6789', 'local with dash and space'],
    ['(012) 345-6789', 'local with parentheses'],
    ['+60 12-345 6789', 'international with spaces and dashes'],
    ['60 12 345 6789', 'international without plus, spaced'],
    ['00 60 12 345 6789', '00 prefix, spaced'],
    ['012.345.6789', 'local with dots'],
    ['  0123456789  ', 'surrounding whitespace'],
  ])('%s (%s) → +60123456789', (raw) => {
    expect(normalisePhone(raw, 'MY')).toMatchObject({ ok: true, e164: E164 });
  });

  it('keeps other valid Malaysian forms: 011 mobile (8 digits after prefix) and Kuala Lumpur landline', () => {
    expect(normalisePhone('011-1234 5678', 'MY')).toMatchObject({ ok: true, e164: '+601112345678' });
    expect(normalisePhone('03-2123 4567', 'MY')).toMatchObject({ ok: true, e164: '+60321234567' });
  });

  it('reads a number with an explicit foreign country code as that country, not as MY', () => {
    expect(normalisePhone('+1 202 555 0123', 'MY')).toMatchObject({ ok: true, e164: '+12025550123' });
    expect(normalisePhone('+65 8123 4567', 'MY')).toEqual({ ok: true, e164: '+6581234567', country: 'SG' });
  });

  it('uses the configured region for local forms', () => {
    expect(normalisePhone('8123 4567', 'SG')).toMatchObject({ ok: true, e164: '+6581234567' });
  });

  it.each([
    ['012345', 'too short'],
    ['+6012345678', 'one digit short for a 012 mobile'],
    ['12345678901234567', 'too long'],
    ['+60 00 000 0000', 'impossible number'],
  ])('%s (%s) is an invalid number', (raw) => {
    expect(normalisePhone(raw, 'MY')).toEqual({ ok: false, reason: 'invalid number' });
  });

  it.each([
    ['hello'],
    ['abc123'],
    ['0123456789 ext. sales'],
    ['+60123456789; DROP TABLE blasts'],
    ['１２３４５６７８９０'],
    ['<script>alert(1)</script>'],
    ['0'.repeat(40)],
  ])('%j is not a phone number', (raw) => {
    expect(normalisePhone(raw, 'MY')).toEqual({ ok: false, reason: 'not a phone number' });
  });

  it('reports empty and blank input as empty', () => {
    expect(normalisePhone('', 'MY')).toEqual({ ok: false, reason: 'empty' });
    expect(normalisePhone('   ', 'MY')).toEqual({ ok: false, reason: 'empty' });
  });

  it('splits a pasted block on newlines, commas, semicolons and tabs, keeping spaces inside a number', () => {
    expect(splitPasted('012-345 6789\n+60123456790,\r\n60123456791;\t\n\n 0060123456792 ')).toEqual([
      '012-345 6789',
      '+60123456790',
      '60123456791',
      '0060123456792',
    ]);
  });
});

describe('prepareRecipients', () => {
  it('folds duplicates written in different spellings; the first occurrence keeps its variables', () => {
    const prepared = prepareRecipients(
      [
        { phone: '012-345 6789', vars: { name: 'First' } },
        { phone: '+60123456789', vars: { name: 'Second' } },
        { phone: '60123456789', vars: { name: 'Third' } },
        { phone: '0060 12 345 6789', vars: { name: 'Fourth' } },
        { phone: '(012) 345-6789', vars: {} },
        { phone: '+60123456790', vars: { name: 'Other' } },
      ],
      'MY',
    );
    expect(prepared.valid).toEqual([
      { phone: '+60123456789', vars: { name: 'First' } },
      { phone: '+60123456790', vars: { name: 'Other' } },
    ]);
    expect(prepared.duplicates).toBe(4);
    expect(prepared.invalid).toEqual([]);
  });

  it('reports invalid numbers with their 1-based line and reason, and keeps the valid ones in order', () => {
    const prepared = prepareRecipients(
      [
        { phone: '0123456789', vars: {} },
        { phone: 'call me', vars: {} },
        { phone: '0123456790', vars: {} },
        { phone: '012345', vars: {} },
        { phone: '', vars: {} },
        { phone: '0123456791', vars: {} },
      ],
      'MY',
    );
    expect(prepared.valid.map((r) => r.phone)).toEqual(['+60123456789', '+60123456790', '+60123456791']);
    expect(prepared.invalid).toEqual([
      { input: 'call me', line: 2, reason: 'not a phone number' },
      { input: '012345', line: 4, reason: 'invalid number' },
      { input: '', line: 5, reason: 'empty' },
    ]);
    expect(prepared.duplicates).toBe(0);
  });

  it('an invalid entry never counts as a duplicate, even when repeated', () => {
    const prepared = prepareRecipients(
      [
        { phone: 'x', vars: {} },
        { phone: 'x', vars: {} },
      ],
      'MY',
    );
    expect(prepared.valid).toEqual([]);
    expect(prepared.duplicates).toBe(0);
    expect(prepared.invalid.map((i) => i.line)).toEqual([1, 2]);
  });

  it('truncates a huge invalid input in the report', () => {
    const huge = 'x'.repeat(10_000);
    const prepared = prepareRecipients([{ phone: huge, vars: {} }], 'MY');
    expect(prepared.invalid[0]!.input).toHaveLength(64);
  });

  it('returns nothing for an empty list', () => {
    expect(prepareRecipients([], 'MY')).toEqual({
      valid: [],
      invalid: [],
      duplicates: 0,
      outsideCountry: { count: 0, byCountry: {}, examples: [] },
    });
  });
});
