// Message templates: `{{name}}`, `{{name|fallback}}`, any CSV column or `phone`. The same rules as the
// server (src/domain/template.ts): names are letters, digits, `_`, `-`, `.`, case-insensitive; a
// variable that is missing or blank takes its fallback, or renders as nothing.

export interface TemplatePart {
  text: string;
  /** 'text' literal, 'value' a variable's value, 'fallback' its fallback, 'missing' no value at all */
  kind: 'text' | 'value' | 'fallback' | 'missing';
  variable?: string;
}

const VARIABLE = /\{\{\s*([\w.-]+)\s*(?:\|([^}]*))?\}\}/g;

export function renderTemplate(template: string, variables: Record<string, string>): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    const index = m.index ?? 0;
    if (index > last) parts.push({ text: template.slice(last, index), kind: 'text' });
    const name = (m[1] ?? '').trim();
    const fallback = m[2];
    const value = lookup(variables, name);
    if (value !== undefined && value.trim() !== '') parts.push({ text: value, kind: 'value', variable: name });
    else if (fallback !== undefined) parts.push({ text: fallback.trim(), kind: 'fallback', variable: name });
    else parts.push({ text: '', kind: 'missing', variable: name });
    last = index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last), kind: 'text' });
  return parts;
}

/** Variables used by a template, in order of first use, and whether every use has a fallback. */
export function templateVariables(template: string): Array<{ name: string; hasFallback: boolean }> {
  const out: Array<{ name: string; hasFallback: boolean }> = [];
  for (const m of template.matchAll(VARIABLE)) {
    const name = (m[1] ?? '').trim();
    const seen = out.find((v) => v.name.toLowerCase() === name.toLowerCase());
    if (seen) seen.hasFallback &&= m[2] !== undefined;
    else if (name) out.push({ name, hasFallback: m[2] !== undefined });
  }
  return out;
}

function lookup(variables: Record<string, string>, name: string): string | undefined {
  if (name in variables) return variables[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(variables)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
