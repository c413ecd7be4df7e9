import { hash53 } from './hash53.ts';
import { mulberry32 } from './mulberry32.ts';
import { type TemplateNode, parseTemplate } from './templateSyntax.ts';

/**
 * Message templates, one renderer for the engine, the API and the dashboard (web/ imports this file).
 *
 * - `{{name}}` takes a recipient variable (any CSV column, or `phone`); `{{name|there}}` falls back to
 *   "there" when the variable is missing or blank. Names are case-insensitive. An unknown variable
 *   without a fallback renders as nothing rather than leaking braces into a customer's chat.
 * - `{Hi|Hello|Hey}` is spintax: one option per recipient, groups nest. Which option a recipient gets
 *   is decided by a hash of the recipient key (the E.164 number) and the template, so the same
 *   number always gets the same text of the same message: a resend, the dry run and the contact
 *   timeline all show exactly what was sent. `\{`, `\}` and `\|` are literal characters.
 * The syntax and its errors live in templateSyntax.ts.
 */

export interface TemplatePart {
  text: string;
  /** 'text' literal, 'spin' literal from a spintax option, 'value' a variable's value, 'fallback' its fallback, 'missing' nothing */
  kind: 'text' | 'spin' | 'value' | 'fallback' | 'missing';
  variable?: string;
}

export { templateProblem, type TemplateProblem } from './templateSyntax.ts';

/** The message one recipient receives. `recipientKey` is the recipient's E.164 number. */
export function renderTemplate(template: string, vars: Readonly<Record<string, string>>, recipientKey: string): string {
  let out = '';
  for (const p of renderParts(template, vars, recipientKey)) out += p.text;
  return out;
}

/** renderTemplate in pieces, saying where each came from (the dashboard marks variables and spun text). */
export function renderParts(template: string, vars: Readonly<Record<string, string>>, recipientKey: string): TemplatePart[] {
  const random = mulberry32(hash53(`${recipientKey}\u0000${templateHash(template)}`));
  const lower = lowerKeys(vars);
  const parts: TemplatePart[] = [];
  const push = (p: TemplatePart) => {
    const last = parts[parts.length - 1];
    if (last && p.kind === last.kind && (p.kind === 'text' || p.kind === 'spin')) last.text += p.text;
    else parts.push(p);
  };
  const walk = (nodes: readonly TemplateNode[], spun: boolean): void => {
    for (const n of nodes) {
      if (n.t === 'text') push({ text: n.s, kind: spun ? 'spin' : 'text' });
      else if (n.t === 'spin') walk(n.options[Math.floor(random() * n.options.length)]!, true);
      else {
        const value = lower[n.name.toLowerCase()];
        if (value !== undefined && value.trim() !== '') push({ text: value, kind: 'value', variable: n.name });
        else if (n.fallback !== undefined) push({ text: n.fallback.trim(), kind: 'fallback', variable: n.name });
        else push({ text: '', kind: 'missing', variable: n.name });
      }
    }
  };
  walk(parseTemplate(template), false);
  return parts;
}

/** The longest text any recipient with these variables could get: what the length limit checks. */
export function longestRendering(template: string, vars: Readonly<Record<string, string>>): number {
  const lower = lowerKeys(vars);
  const length = (nodes: readonly TemplateNode[]): number => {
    let n = 0;
    for (const node of nodes) {
      if (node.t === 'text') n += node.s.length;
      else if (node.t === 'spin') n += Math.max(...node.options.map(length));
      else {
        const value = lower[node.name.toLowerCase()];
        n += value !== undefined && value.trim() !== '' ? value.length : (node.fallback?.trim().length ?? 0);
      }
    }
    return n;
  };
  return length(parseTemplate(template));
}

/** How many different texts the spintax alone can make (variables aside), capped at a trillion. */
export function variantCount(template: string): number {
  const count = (nodes: readonly TemplateNode[]): number =>
    nodes.reduce((product, n) => (n.t === 'spin' ? product * n.options.reduce((sum, o) => sum + count(o), 0) : product), 1);
  return Math.min(count(parseTemplate(template)), 1e12);
}

/** The variables a template uses, lower-cased, once each, in order; hasFallback when every use has one. */
export function templateVariables(template: string): Array<{ name: string; hasFallback: boolean }> {
  const out: Array<{ name: string; hasFallback: boolean }> = [];
  const walk = (nodes: readonly TemplateNode[]): void => {
    for (const n of nodes) {
      if (n.t === 'spin') n.options.forEach(walk);
      else if (n.t === 'var') {
        const name = n.name.toLowerCase();
        const seen = out.find((v) => v.name === name);
        if (seen) seen.hasFallback &&= n.fallback !== undefined;
        else out.push({ name, hasFallback: n.fallback !== undefined });
      }
    }
  };
  walk(parseTemplate(template));
  return out;
}

function lowerKeys(vars: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) out[k.toLowerCase()] = v;
  return out;
}

// A blast renders one template for every recipient: its hash is taken once, not per recipient.
let lastTemplate = '';
let lastHash = hash53('');

/** Mixed into each recipient's seed, so that editing the message re-draws the options. */
function templateHash(template: string): number {
  if (template !== lastTemplate) {
    lastTemplate = template;
    lastHash = hash53(template);
  }
  return lastHash;
}
