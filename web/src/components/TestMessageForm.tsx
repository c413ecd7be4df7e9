import { type FormEvent, useState } from 'react';
import { api } from '../lib/api.ts';
import { href } from '../lib/router.ts';
import type { TestMessageResult } from '../lib/types.ts';
import { useAction } from '../lib/useAction.ts';
import { ErrorText } from './ErrorText.tsx';
import css from './TestMessageForm.module.css';

/** The Connection page's last card: one real message to the operator's own number, and what became of it. */
export function TestMessageForm({ onSent }: { onSent: () => void }) {
  const [phone, setPhone] = useState('');
  const [message, setMessage] = useState('');
  const [result, setResult] = useState<TestMessageResult | null>(null);
  const { busy, error, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    if (await run(async () => setResult(await api.testMessage(phone, message.trim() || undefined)))) onSent();
  };

  return (
    <section className={`card ${css.section}`} aria-labelledby="conn-test">
      <h2 id="conn-test">Send a test message to my own number</h2>
      <p className="muted">One real message, sent like a one-recipient blast (tagged "Connection test").</p>
      <form className={css.form} onSubmit={(e) => void submit(e)}>
        <label>
          Your phone number
          <input type="tel" required value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+60123456789" />
        </label>
        <label>
          Message (optional)
          <input type="text" value={message} onChange={(e) => setMessage(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy || phone.trim() === ''}>
          {busy ? 'Sending…' : 'Send test message'}
        </button>
      </form>
      <ErrorText messages={error} />
      {result && (
        <p className={result.outcome === 'sent' ? css.okText : css.problemText} role="status" data-testid="test-result">
          {result.outcome === 'sent'
            ? `Sent to ${result.phone} (message id ${result.message_id}).`
            : `Not sent (${result.outcome}): ${result.reason ?? result.status}.`}{' '}
          <a href={href.blast(result.blast_id)}>Blast #{result.blast_id}</a>
        </p>
      )}
    </section>
  );
}
