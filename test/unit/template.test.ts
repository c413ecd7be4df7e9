import { describe, expect, it } from 'vitest';
import { parseRecipientsCsv } from '../../src/blasts/parseCsv.ts';
import { renderTemplate, templateVariables } from '../../src/domain/template.ts';

describe('renderTemplate', () => {
  it('fills {{name}} from the recipient variables', () => {
    expect(renderTemplate('Hi {{name}}, welcome!', { name: 'Aisyah' })).toBe('Hi Aisyah, welcome!');
  });

  it('allows spaces inside the braces', () => {
    expect(renderTemplate('Hi {{  name  }}!', { name: 'Ali' })).toBe('Hi Ali!');
  });

  it('falls back with {{ name | there }} when the variable is missing', () => {
    expect(renderTemplate('Hi {{ name | there }}!', {})).toBe('Hi there!');
    expect(renderTemplate('Hi {{name|dear customer}}!', {})).toBe('Hi dear customer!');
  });

  it('uses the value, not the fallback, when the variable is set', () => {
    expect(renderTemplate('Hi {{ name | there }}!', { name: 'Bob' })).toBe('Hi Bob!');
  });

  it('uses the fallback when the value is blank', () => {
    expect(renderTemplate('Hi {{ name | there }}!', { name: '' })).toBe('Hi there!');
    expect(renderTemplate('Hi {{ name | there }}!', { name: '   ' })).toBe('Hi there!');
  });

  it('matches variable names case-insensitively, both ways', () => {
    expect(renderTemplate('Hi {{NAME}}!', { name: 'Ali' })).toBe('Hi Ali!');
    expect(renderTemplate('Hi {{name}}!', { Name: 'Ali' })).toBe('Hi Ali!');
    expect(renderTemplate('Hi {{NaMe}}!', { nAmE: 'Ali' })).toBe('Hi Ali!');
  });

  it('renders an unknown variable without a fallback as nothing, never as braces', () => {
    expect(renderTemplate('Hi {{nope}}!', {})).toBe('Hi !');
    expect(renderTemplate('Hi {{ nope | }}!', {})).toBe('Hi !');
  });

  it('accepts names with underscores, dashes, dots and digits', () => {
    expect(renderTemplate('{{first_name}}/{{order-id}}/{{a.b}}/{{x2}}', { first_name: 'A', 'order-id': '7', 'a.b': 'x', x2: 'y' })).toBe('A/7/x/y');
  });

  it('repeats a variable as often as it appears', () => {
    expect(renderTemplate('{{name}} {{ name }} {{NAME}}', { name: 'Z' })).toBe('Z Z Z');
  });

  it('inserts values literally, with no replacement-pattern or nested-template surprises', () => {
    expect(renderTemplate('{{v}}', { v: "$1 $& $$ $' {{name}}" })).toBe("$1 $& $$ $' {{name}}");
  });

  it('leaves text that only looks like a placeholder alone', () => {
    expect(renderTemplate('{name} {{ }} {{name', { name: 'x' })).toBe('{name} {{ }} {{name');
    expect(renderTemplate('No placeholders here.', { name: 'x' })).toBe('No placeholders here.');
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
    expect(rows.map((r) => renderTemplate(template, r.vars))).toEqual([
      'Hi Aisyah in Kuala Lumpur, order A1',
      'Hi there in Penang, order A2',
    ]);
  });

  it('a quoted cell with commas and quotes arrives whole', async () => {
    const rows = await parseRecipientsCsv('phone,name\n0123456789,"Tan, ""Ah"" Kow"\n', 10);
    expect(renderTemplate('Dear {{name}}', rows[0]!.vars)).toBe('Dear Tan, "Ah" Kow');
  });
});
