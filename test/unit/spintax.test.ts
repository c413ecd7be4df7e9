import { describe, expect, it } from 'vitest';
import {
  longestRendering,
  renderParts,
  renderTemplate,
  templateProblem,
  templateVariables,
  variantCount,
} from '../../src/domain/template.ts';
import { identicalTextWarning, summariseVariation } from '../../src/domain/variation.ts';

const phones = (n: number) => Array.from({ length: n }, (_, i) => `+6012${String(3_000_000 + i * 7).padStart(7, '0')}`);

describe('spintax', () => {
  it('picks one option of each group', () => {
    const text = renderTemplate('{Hi|Hello|Hey} there', {}, '+60123456789');
    expect(['Hi there', 'Hello there', 'Hey there']).toContain(text);
  });

  it('is deterministic per recipient: the same number always gets the same text', () => {
    const t = '{Hi|Hello|Hey} {{name}}, {our|the} {sale|promo} {starts|begins} {today|now}!';
    for (const phone of phones(50)) {
      expect(renderTemplate(t, { name: 'Ali' }, phone)).toBe(renderTemplate(t, { name: 'Ali' }, phone));
    }
  });

  it('nests: an option may hold a group, and only the chosen branch is rendered', () => {
    const t = '{Hi {dear|lovely} {{name|friend}}|Hello}!';
    const seen = new Set(phones(300).map((p) => renderTemplate(t, {}, p)));
    expect(seen).toEqual(new Set(['Hi dear friend!', 'Hi lovely friend!', 'Hello!']));
    expect(variantCount(t)).toBe(3);
  });

  it('spreads recipients evenly over the options (300 numbers, 3 options: each within 70–130)', () => {
    const counts = new Map<string, number>();
    for (const p of phones(300)) {
      const text = renderTemplate('{A|B|C}', {}, p);
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['A', 'B', 'C']);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(70);
      expect(n).toBeLessThanOrEqual(130);
    }
    // Two groups in one template are chosen independently: all 4 pairs appear.
    const pairs = new Set(phones(200).map((p) => renderTemplate('{a|b}{c|d}', {}, p)));
    expect(pairs).toEqual(new Set(['ac', 'ad', 'bc', 'bd']));
  });

  it('keeps variables working beside and inside groups; a fallback may contain a bar', () => {
    expect(renderTemplate('{{name|dear customer}}', {}, '+60123456789')).toBe('dear customer');
    const t = '{Hi|Hello} {{name|there}}: {{{name}}|friend}';
    for (const p of phones(40)) {
      expect(renderTemplate(t, { name: 'Siti' }, p)).toMatch(/^(Hi|Hello) Siti: (Siti|friend)$/);
    }
  });

  it('allows empty options and treats a bar outside any group as text', () => {
    const seen = new Set(phones(100).map((p) => renderTemplate('A | B {|really }good', {}, p)));
    expect(seen).toEqual(new Set(['A | B good', 'A | B really good']));
  });

  it('\\{ \\} \\| are literal braces and bars', () => {
    expect(renderTemplate('Use code \\{SAVE10\\} \\| {{name}}', { name: 'x' }, '+60123456789')).toBe('Use code {SAVE10} | x');
    expect(renderTemplate('{a\\|b|a\\|b}', {}, '+60123456789')).toBe('a|b');
    expect(templateProblem('Use code \\{SAVE10\\}')).toBeNull();
  });

  it.each([
    ['Hi {there', /character 4: the "\{" starting "\{there" is never closed/],
    ['Hi there}', /character 9: a "\}" has no "\{" before it/],
    ['Hi {name}', /character 4: "\{name\}" has one option.*\{\{name\}\}/],
    ['Hi {{name}', /has one option/],
    ['{a|{b|c}', /character 1: .* never closed/],
    ['{}', /has one option/],
  ])('refuses malformed spintax %j with a sentence naming the place', (template, message) => {
    expect(templateProblem(template)?.message).toMatch(message);
  });

  it('accepts every well-formed template, including ones without any braces', () => {
    for (const t of ['plain', '{{name}}', '{a|b}', '{a|{b|{c|d}}}', 'x | y', '{{a|b}|c}']) expect(templateProblem(t)).toBeNull();
  });

  it('renders a template stored before spintax (stray braces) as it always did', () => {
    expect(renderTemplate('{name} {{ }} {{name', { name: 'x' }, '+60123456789')).toBe('{name} {{ }} {{name');
  });

  it('marks spun text in the parts the dashboard shows', () => {
    const parts = renderParts('Hi {a|a} {{name}}', { name: 'Ali' }, '+60123456789');
    expect(parts).toEqual([
      { text: 'Hi ', kind: 'text' },
      { text: 'a', kind: 'spin' },
      { text: ' ', kind: 'text' },
      { text: 'Ali', kind: 'value', variable: 'name' },
    ]);
  });

  it('measures the longest text any recipient could get', () => {
    expect(longestRendering('{a|bbbb} {{name|xy}}', {})).toBe('bbbb xy'.length);
    expect(longestRendering('{a|bbbb} {{name|xy}}', { name: 'Muthu' })).toBe('bbbb Muthu'.length);
  });

  it('lists variables inside groups too, once each', () => {
    expect(templateVariables('{Hi {{Name}}|Hello {{name|there}}} {{city}}')).toEqual([
      { name: 'name', hasFallback: false },
      { name: 'city', hasFallback: false },
    ]);
  });
});

describe('variation summary', () => {
  const list = (n: number, vars: Record<string, string> = {}) => phones(n).map((phone) => ({ phone, vars }));

  it('counts distinct texts, shows distinct samples with their first number, and how many spintax can make', () => {
    const v = summariseVariation('{Hi|Hello|Hey}, {sale|promo} today', list(60), { warnAt: 30 });
    expect(v.possible).toBe(6);
    expect(v.distinct).toBe(6);
    expect(v.samples).toHaveLength(5);
    expect(new Set(v.samples.map((s) => s.text)).size).toBe(5);
    for (const s of v.samples) expect(renderTemplate('{Hi|Hello|Hey}, {sale|promo} today', { phone: s.phone }, s.phone)).toBe(s.text);
    expect(v.largest_identical).toBeLessThanOrEqual(30);
    expect(v.warning).toBeNull();
  });

  it('variables make texts distinct', () => {
    const recipients = phones(40).map((phone, i) => ({ phone, vars: { name: `Buyer ${i}` } }));
    const v = summariseVariation('Hi {{name}}', recipients, { warnAt: 30 });
    expect(v).toMatchObject({ distinct: 40, largest_identical: 1, warning: null, possible: 1 });
  });

  it('warns when one identical text goes to more numbers than the threshold, except under fast', () => {
    const v = summariseVariation('Big sale today', list(31), { warnAt: 30 });
    expect(v).toMatchObject({ distinct: 1, largest_identical: 31 });
    expect(v.warning).toMatch(/^31 numbers would get the very same text \(more than 30\)/);
    expect(summariseVariation('Big sale today', list(30), { warnAt: 30 }).warning).toBeNull();
    expect(summariseVariation('Big sale today', list(31), { warnAt: 30, preset: 'fast' }).warning).toBeNull();
    expect(identicalTextWarning(31, 30, 'warm-up')).not.toBeNull();
    expect(identicalTextWarning(31, 30, 'safe')).not.toBeNull();
    expect(identicalTextWarning(31, 30, null)).not.toBeNull();
  });
});
