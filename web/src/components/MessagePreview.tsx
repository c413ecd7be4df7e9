import { renderParts } from '@domain/template.ts';
import './variation.css';

interface Props {
  message: string;
  recipient: { phone: string; variables: Record<string, string> } | null;
  /** Shown instead of the recipient line while there is none. */
  noRecipientText?: string;
}

/** The message as the first valid recipient will receive it (spintax chosen for that number, as the server will). */
export function MessagePreview({ message, recipient, noRecipientText }: Props) {
  const parts = renderParts(message, recipient?.variables ?? {}, recipient?.phone ?? '');
  const missing = [...new Set(parts.filter((p) => p.kind === 'missing').map((p) => p.variable ?? ''))];
  return (
    <section className="preview" aria-labelledby="preview-title">
      <h2 id="preview-title" className="preview-title">
        Preview
      </h2>
      <p className="preview-to muted">
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
      <div className="bubble" data-testid="message-preview" aria-live="polite">
        {message.trim() === '' ? (
          <span className="muted">Your message appears here.</span>
        ) : (
          parts.map((p, i) =>
            p.kind === 'text' ? (
              <span key={i}>{p.text}</span>
            ) : p.kind === 'spin' ? (
              <mark key={i} className="var-spin" title="One of the spintax options">
                {p.text}
              </mark>
            ) : p.kind === 'missing' ? (
              <mark key={i} className="var-missing" title={`No value for ${p.variable}`}>
                {`{{${p.variable}}}`}
              </mark>
            ) : (
              <mark key={i} className={p.kind === 'value' ? 'var-value' : 'var-fallback'} title={p.variable}>
                {p.text}
              </mark>
            ),
          )
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
