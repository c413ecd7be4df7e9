/**
 * The syntax of a message template, and what is wrong with one.
 *
 *   {{name}}  {{name|fallback}}     a variable (letters, digits, _ - . ; the fallback is plain text)
 *   {a|b|c}                          spintax: one option per recipient; options may hold variables
 *                                    and further groups, and may be empty ({|very }good)
 *   \{  \}  \|                       a literal brace or bar
 *
 * `{{` starts a variable only where a whole variable follows, so `{{{name}}|friend}` is a group
 * whose first option is a variable. A bar outside any group is plain text. A group needs two
 * options: `{name}` is almost always a variable written with one brace, so it is refused (400)
 * rather than sent as "name".
 */

export type TemplateNode =
  | { t: 'text'; s: string }
  | { t: 'var'; name: string; fallback?: string }
  | { t: 'spin'; options: TemplateNode[][] };

export interface TemplateProblem {
  /** A sentence for the person writing the message. */
  message: string;
  /** 0-based position in the template where the problem starts. */
  index: number;
}

const VARIABLE = /\{\{\s*([\w.-]+)\s*(?:\|([^}]*))?\}\}/y;
const VARIABLES = /\{\{\s*([\w.-]+)\s*(?:\|([^}]*))?\}\}/g;
const ESCAPABLE = new Set(['{', '}', '|']);
const MAX_DEPTH = 10;

/** Why a template cannot be sent as written, or null when it can. */
export function templateProblem(template: string): TemplateProblem | null {
  const r = parseStrict(template);
  return 'problem' in r ? r.problem : null;
}

const cache = new Map<string, TemplateNode[]>();

/**
 * The template's nodes. A template the API refused never reaches the engine, but one stored before
 * spintax existed may hold a stray brace: it renders as it always did, variables only.
 */
export function parseTemplate(template: string): TemplateNode[] {
  const hit = cache.get(template);
  if (hit) return hit;
  const r = parseStrict(template);
  const nodes = 'nodes' in r ? r.nodes : variablesOnly(template);
  // A blast renders one template for every recipient: a few entries save re-parsing each send.
  if (cache.size >= 32) cache.delete(cache.keys().next().value!);
  cache.set(template, nodes);
  return nodes;
}

interface Frame {
  start: number;
  options: TemplateNode[][];
}

function parseStrict(template: string): { nodes: TemplateNode[] } | { problem: TemplateProblem } {
  const root: TemplateNode[] = [];
  const stack: Frame[] = [];
  let current = root;
  let text = '';
  const flush = () => {
    if (text) current.push({ t: 'text', s: text });
    text = '';
  };
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '\\' && ESCAPABLE.has(template[i + 1] ?? '')) {
      text += template[++i];
    } else if (c === '{') {
      VARIABLE.lastIndex = i;
      const m = VARIABLE.exec(template);
      if (m) {
        flush();
        current.push(m[2] === undefined ? { t: 'var', name: m[1]! } : { t: 'var', name: m[1]!, fallback: m[2] });
        i += m[0].length - 1;
        continue;
      }
      if (stack.length >= MAX_DEPTH) return problem(i, `spintax groups nest at most ${MAX_DEPTH} deep`);
      flush();
      const frame: Frame = { start: i, options: [[]] };
      stack.push(frame);
      current = frame.options[0]!;
    } else if (c === '|' && stack.length > 0) {
      flush();
      const frame = stack[stack.length - 1]!;
      frame.options.push([]);
      current = frame.options[frame.options.length - 1]!;
    } else if (c === '}') {
      const frame = stack.pop();
      if (!frame) return problem(i, 'a "}" has no "{" before it; write \\} for a brace');
      flush();
      if (frame.options.length < 2) {
        const group = template.slice(frame.start, i + 1);
        return problem(
          frame.start,
          `"${shorten(group)}" has one option: spintax takes two or more, like {Hello|Hi}; a variable takes two braces, like {{name}}; write \\{ for a brace`,
        );
      }
      const parent = stack[stack.length - 1];
      current = parent ? parent.options[parent.options.length - 1]! : root;
      current.push({ t: 'spin', options: frame.options });
    } else {
      text += c;
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1]!.start;
    return problem(
      open,
      `the "{" starting "${shorten(template.slice(open, open + 20))}" is never closed: spintax is {Hello|Hi}; write \\{ for a brace`,
    );
  }
  flush();
  return { nodes: root };
}

function problem(index: number, why: string): { problem: TemplateProblem } {
  return { problem: { index, message: `character ${index + 1}: ${why}` } };
}

function shorten(s: string): string {
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
}

/** How templates rendered before spintax: variables, everything else as written. */
function variablesOnly(template: string): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  let last = 0;
  for (const m of template.matchAll(VARIABLES)) {
    if (m.index > last) nodes.push({ t: 'text', s: template.slice(last, m.index) });
    nodes.push(m[2] === undefined ? { t: 'var', name: m[1]! } : { t: 'var', name: m[1]!, fallback: m[2] });
    last = m.index + m[0].length;
  }
  if (last < template.length) nodes.push({ t: 'text', s: template.slice(last) });
  return nodes;
}
