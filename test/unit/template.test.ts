import { describe, expect, it } from 'vitest';
import { parseRecipientsCsv } from '../../src/blasts/parseCsv.ts';
import { renderTemplate, templateVariables } from '../../src/domain/template.ts';

describe('renderTemplate', () => {
  it('fills {{name}} from the recipient variables', () => {
    expect(renderTemplate('Hi {{name}}, welcome!', { name: 'Aisyah' }, '+60123456789')).toBe('Hi Aisyah, welcome!');
  });

  it('allows spaces inside the braces', () => {
    expect(renderTemplate('Hi {{  name  }}!', { name: 'Ali' }, '+60123456789')).toBe('Hi Ali!');
  });

  it('falls back with {{ name | there }} when the variable is missing', () => {
    expect(renderTemplate('Hi {{ name | there }}!', {}, '+60123456789')).toBe('Hi there!');
    expect(renderTemplate('Hi {{name|dear customer}}!', {}, '+60123456789')).toBe('Hi dear customer!');
  });

  it('uses the value, not the fallback, when the variable is set', () => {
    expect(renderTemplate('Hi {{ name | there }}!', { name: 'Bob' }, '+60123456789')).toBe('Hi Bob!');
  });

  it('uses the fallback when the value is blank', () => {
    expect(renderTemplate('Hi {{ name | there }}!', { name: '' }, '+60123456789')).toBe('Hi there!');
    expect(renderTemplate('Hi {{ name | there }}!', { name: '   ' }, '+60123456789')).toBe('Hi there!');
  });

  it('matches variable names case-insensitively, both ways', () => {
    expect(renderTemplate('Hi {{NAME}}!', { name: 'Ali' }, '+60123456789')).toBe('Hi Ali!');
    expect(renderTemplate('Hi {{name}}!', { Name: 'Ali' }, '+60123456789')).toBe('Hi Ali!');
    expect(renderTemplate('Hi {{NaMe}}!', { nAmE: 'Ali' }, '+60123456789')).toBe('Hi Ali!');
  });

  it('renders an unknown variable without a fallback as nothing, never as braces', () => {
    expect(renderTemplate('Hi {{nope}}!', {}, '+60123456789')).toBe('Hi !');
    expect(renderTemplate('Hi {{ nope | }}!', {}, '+60123456789')).toBe('Hi !');
  });

  it('accepts names with underscores, dashes, dots and digits', () => {
    expect(
      renderTemplate(
        '{{first_name}}/{{order-id}}/{{a.b}}/{{x2}}',
        { first_name: 'A', 'order-id': '7', 'a.b': 'x', x2: 'y' },
        '+60123456789',
      ),
    ).toBe('A/7/x/y');
  });

  it('repeats a variable as often as it appears', () => {
    expect(renderTemplate('{{name}} {{ name }} {{NAME}}', { name: 'Z' }, '+60123456789')).toBe('Z Z Z');
  });

  it('inserts values literally, with no replacement-pattern or nested-template surprises', () => {
    expect(renderTemplate('{{v}}', { v: "$1 $& $$ $' {{name}}" }, '+60123456789')).toBe("$1 $& $$ $' {{name}}");
  });

  it('leaves text that only looks like a placeholder alone', () => {
    expect(renderTemplate('{name} {{ }} {{name', { name: 'x' }, '+60123456789')).toBe('{name} {{ }} {{name');
    expect(renderTemplate('No placeholders here.', { name: 'x' }, '+60123456789')).toBe('No placeholders here.');
  });

  it('lists the variables a template uses, lower-cased, with their fallbacks', () => {
    expect(templateVariables('Hi {{Name|there}} from {{ city }}')).toEqual([
      { name: 'name', hasFallback: true },
      { name: 'city', hasFallback: false },
    ]);
    expect(templateVariables('plain')).toEqual([]);
  });
});

describe('CSV columns become template variables', () => {
  it('every column but the phone is a variable, usable in any case', async () => {
    const csv = 'Phone,Name,City,Order-Id\n0123456789,Aisyah,Kuala Lumpur,A1\n0123456790,,Penang,A2\n';
    const rows = await parseRecipientsCsv(csv, 100);
    expect(rows).toEqual([
      { phone: '0123456789', vars: { Name: 'Aisyah', City: 'Kuala Lumpur', 'Order-Id': 'A1' } },
      { phone: '0123456790', vars: { Name: '', City: 'Penang', 'Order-Id': 'A2' } },
    ]);
    const template = 'Hi {{ name | there }} in {{city}}, order {{order-id}}';
    expect(rows.map((r) => renderTemplate(template, r.vars, '+60123456789'))).toEqual([
      'Hi Aisyah in Kuala Lumpur, order A1',
      'Hi there in Penang, order A2',
    ]);
  });

  it('a quoted cell with commas and quotes arrives whole', async () => {
    const rows = await parseRecipientsCsv('phone,name\n0123456789,"Tan, ""Ah"" Kow"\n', 10);
    expect(renderTemplate('Dear {{name}}', rows[0]!.vars, '+60123456789')).toBe('Dear Tan, "Ah" Kow');
  });
});
