import { renderParts, type TemplatePart } from '@domain/template.ts';
import type { CreateBlastResult } from '../lib/types.ts';
import css from './MessagePreview.module.css';

export interface PreviewRecipient {
  phone: string;
  variables: Record<string, string>;
}

/** The first recipient a dry run accepted, with its variables ({{phone}} among them), if any. */
export function firstRecipientOf(result: CreateBlastResult | null | undefined): PreviewRecipient | null {
  const first = result?.preview?.[0];
  return first ? { phone: first.phone, variables: { phone: first.phone, ...(first.variables ?? {}) } } : null;
}

interface Props {
  message: string;
  recipient: PreviewRecipient | null;
  /** Shown instead of the recipient line while there is none. */
  noRecipientText?: string;
  /** In a tinted box of its own, when it sits among the form's fields. */
  boxed?: boolean;
}

/** The message as the first valid recipient will receive it (spintax chosen for that number, as the server will). */
export function MessagePreview({ message, recipient, noRecipientText, boxed = false }: Props) {
  const parts = renderParts(message, recipient?.variables ?? {}, recipient?.phone ?? '');
  const missing = [...new Set(parts.filter((p) => p.kind === 'missing').map((p) => p.variable ?? ''))];
  return (
    <section className={boxed ? css.boxed : undefined} aria-labelledby="preview-title">
      <h2 id="preview-title" className={css.title}>
        Preview
      </h2>
      <p className={`${css.to} muted`}>
        {recipient ? (
          <>
            To{' '}
            <span className="mono" data-testid="preview-phone">
              {recipient.phone}
            </span>
          </>
        ) : (
          (noRecipientText ?? 'Add recipients to see the message as the first one will get it.')
        )}
      </p>
      <div className={css.bubble} data-testid="message-preview" aria-live="polite">
        {message.trim() === '' ? (
          <span className="muted">Your message appears here.</span>
        ) : (
          // The parts are re-derived from the text on every render: their position is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          parts.map((p, i) => <Part key={i} part={p} />)
        )}
      </div>
      {recipient && missing.length > 0 && (
        <p className="hint warn" role="note">
          This recipient has no value for {missing.map((m) => `{{${m}}}`).join(', ')}: it will be left empty. Add a fallback, like{' '}
          <code>{`{{${missing[0]}|there}}`}</code>.
        </p>
      )}
    </section>
  );
}

/** One piece of the rendered text: literal, a spintax choice, a variable's value or fallback, or a missing variable. */
function Part({ part: p }: { part: TemplatePart }) {
  if (p.kind === 'text') return <span>{p.text}</span>;
  if (p.kind === 'spin')
    return (
      <mark className={css.spin} title="One of the spintax options">
        {p.text}
      </mark>
    );
  if (p.kind === 'missing')
    return (
      <mark className={css.missing} title={`No value for ${p.variable}`}>
        {`{{${p.variable}}}`}
      </mark>
    );
  return (
    <mark className={p.kind === 'fallback' ? css.fallback : undefined} title={p.variable}>
      {p.text}
    </mark>
  );
}
