import { useRef } from 'react';
import type { TemplateProblem } from '@domain/template.ts';
import type { FieldAria } from '../lib/useFieldErrors.ts';
import { ErrorText } from './ErrorText.tsx';
import css from './MessageField.module.css';

interface Props {
  message: string;
  onChange: (message: string) => void;
  /** How many different texts the spintax makes. */
  variants: number;
  /** The recipients' variables, offered as chips that insert them. */
  variables: string[];
  /** Variables the message uses that the CSV file has no column for. */
  unknownVariables: string[];
  problem: TemplateProblem | null;
  errors: string[];
  aria: FieldAria;
}

/** The new blast's message: how to personalise it, its length and variants, what is wrong with it. */
export function MessageField({ message, onChange, variants, variables, unknownVariables, problem, errors, aria }: Props) {
  const textarea = useRef<HTMLTextAreaElement>(null);

  const insertVariable = (name: string) => {
    const el = textarea.current;
    const token = `{{${name}}}`;
    if (!el) {
      onChange(message + token);
      return;
    }
    const start = el.selectionStart ?? message.length;
    const end = el.selectionEnd ?? message.length;
    onChange(message.slice(0, start) + token + message.slice(end));
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  };

  return (
    <div className="field">
      <label htmlFor="message">Message</label>
      <textarea
        ref={textarea}
        id="message"
        rows={6}
        value={message}
        onChange={(e) => onChange(e.target.value)}
        placeholder={'Hi {{name|there}}, our June promo starts today…'}
        {...aria}
      />
      <div id="message-hint" className="hint">
        <span>
          Personalise with <code>{'{{name}}'}</code>, a fallback <code>{'{{name|there}}'}</code>, or any CSV column. Vary the words with
          spintax <code>{'{Hi|Hello}'}</code>: each number gets one option.
        </span>{' '}
        <span className="muted">
          {message.length} characters
          {variants > 1 && (
            <>
              , <span data-testid="variant-count">{variants.toLocaleString('en')}</span> variants
            </>
          )}
        </span>
      </div>
      {variables.length > 0 && (
        <fieldset className={css.chips} aria-label="Insert a variable">
          {variables.map((v) => (
            <button type="button" key={v} className={css.chip} onClick={() => insertVariable(v)}>
              + {`{{${v}}}`}
            </button>
          ))}
        </fieldset>
      )}
      {unknownVariables.length > 0 && (
        <p className="hint warn">The file has no column {unknownVariables.map((v) => `“${v}”`).join(', ')}: add a fallback or a column.</p>
      )}
      {problem && errors.length === 0 && (
        <p className="hint warn" role="note" data-testid="message-problem">
          {problem.message.charAt(0).toUpperCase() + problem.message.slice(1)}.
        </p>
      )}
      <ErrorText id="message-error" messages={errors} />
    </div>
  );
}
