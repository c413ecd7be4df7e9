import { z } from 'zod';
import { longestRendering, templateProblem } from '../domain/template.ts';
import { AppError } from '../errors.ts';

/**
 * The explicit maximums of what the API takes (README: Limits). Anything above is refused at the
 * edge with 400 or 413 naming the field, before a row is written.
 */
export const LIMITS = {
  /** A message as the recipient sees it, variables filled in. WhatsApp's Cloud API takes 4,096 characters of text; WSAPME's web client more (65,536), but a longer message is cut or refused on the way. */
  renderedMessageChars: 4096,
  /** Template variables per recipient (CSV columns besides the phone). */
  variablesPerRecipient: 20,
  variableNameChars: 64,
  variableValueChars: 1000,
  /** One CSV record (a line, or a quoted multi-line cell). */
  csvRecordBytes: 64 * 1024,
  /** A JSON blast body: 100,000 recipients with a few variables each. */
  blastJsonBytes: 16 * 1024 * 1024,
} as const;

// C0 controls but tab, newline and carriage return, and DEL: NUL breaks PostgreSQL text, the rest
// have no place in a WhatsApp message and hide things from a person reviewing it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export const hasControlChars = (s: string): boolean => CONTROL.test(s);
export const CONTROL_MESSAGE = 'must not contain control characters (NUL and the like)';

/** A text field of the API: no control characters. */
export const text = () => z.string().refine((v) => !hasControlChars(v), CONTROL_MESSAGE);

/** A message template: text whose spintax and variables are well formed (domain/templateSyntax.ts). */
export const messageText = () =>
  text()
    .trim()
    .min(1, 'must not be empty')
    .max(4096, 'must be at most 4096 characters')
    .superRefine((v, ctx) => {
      const problem = templateProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
    });

/**
 * Checks one recipient's variables and the message they render: count, names, values, length.
 * `where` names the place in the request for the error ("recipients.3", "file row 12").
 */
export function checkRecipient(where: string, phone: string, vars: Readonly<Record<string, string>>, message: string): void {
  const bad = (field: string, why: string, code: 'validation_failed' | 'invalid_csv' = 'validation_failed'): never => {
    throw new AppError(code, `${field}: ${why}`, [{ field, message: why }]);
  };
  if (hasControlChars(phone)) bad(`${where}.phone`, CONTROL_MESSAGE);
  const names = Object.keys(vars);
  if (names.length > LIMITS.variablesPerRecipient) bad(where, `at most ${LIMITS.variablesPerRecipient} variables per recipient`);
  for (const name of names) {
    if (name.length > LIMITS.variableNameChars)
      bad(`${where}.${name.slice(0, 20)}…`, `variable names are at most ${LIMITS.variableNameChars} characters`);
    if (hasControlChars(name)) bad(where, `variable name ${CONTROL_MESSAGE}`);
    const value = vars[name]!;
    if (value.length > LIMITS.variableValueChars) bad(`${where}.${name}`, `at most ${LIMITS.variableValueChars} characters`);
    if (hasControlChars(value)) bad(`${where}.${name}`, CONTROL_MESSAGE);
  }
  // The longest spintax option counts: the text this recipient gets is decided at send time.
  const rendered = longestRendering(message, { phone, ...vars });
  if (rendered > LIMITS.renderedMessageChars)
    bad(
      `${where}`,
      `the message for this recipient is up to ${rendered} characters with its variables; at most ${LIMITS.renderedMessageChars}`,
    );
}
