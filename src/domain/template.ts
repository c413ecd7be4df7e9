/**
 * Message templates: `{{name}}` takes a recipient variable (any CSV column, or `phone`), and
 * `{{name|there}}` falls back to "there" when the variable is missing or blank. Names are
 * case-insensitive and may contain letters, digits, `_`, `-` and `.`. Unknown variables without a
 * fallback render as nothing rather than leaking braces into a customer's chat.
 */
const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*(?:\|([^}]*))?\}\}/g;

export function renderTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  const lower = lowerKeys(vars);
  return template.replace(PLACEHOLDER, (_m, name: string, fallback: string | undefined) => {
    const value = lower[name.toLowerCase()];
    if (value !== undefined && value.trim() !== '') return value;
    return fallback?.trim() ?? '';
  });
}

/** The variable names a template uses, lower-cased, and whether each has a fallback. */
export function templateVariables(template: string): Array<{ name: string; hasFallback: boolean }> {
  return [...template.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1]!.toLowerCase(), hasFallback: m[2] !== undefined }));
}

function lowerKeys(vars: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) out[k.toLowerCase()] = v;
  return out;
}
