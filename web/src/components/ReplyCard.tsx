import { useState } from 'react';
import { api, errorText } from '../lib/api.ts';
import { formatDateTime, stageLabel } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import type { CloseOutcome, Reply } from '../lib/types.ts';
import { OptedOutBadge, RecipientStatus } from './OptedOutBadge.tsx';
import { ErrorText } from './ErrorText.tsx';

/** One reply: who, what they wrote, what they were sent, and closing (with outcome and note) or undoing it. */
export function ReplyCard({ reply, onChanged }: { reply: Reply; onChanged: () => void }) {
  const [outcome, setOutcome] = useState<CloseOutcome | ''>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const closed = reply.status === 'CLOSED';

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="card inbox-reply" data-testid="reply" data-recipient={reply.recipient_id ?? ''}>
      <div className="inbox-reply-head">
        <a className="inbox-who" href={href.contact(reply.phone)}>
          {reply.name ? <strong>{reply.name}</strong> : null} <span className="inbox-phone">{reply.phone}</span>
        </a>
        {reply.status ? <RecipientStatus status={reply.status} optedOut={reply.opted_out} /> : reply.opted_out && <OptedOutBadge />}
        {reply.outcome && <span className={`inbox-badge inbox-badge-${reply.outcome}`}>{reply.outcome === 'won' ? 'Won' : 'Lost'}</span>}
        <time className="muted inbox-time" dateTime={reply.received_at}>
          {formatDateTime(reply.received_at)}
        </time>
      </div>
      <p className="inbox-text" data-testid="reply-text">
        {reply.text}
      </p>
      {reply.blast_id !== null ? (
        <details className="inbox-sent">
          <summary>
            In reply to{' '}
            <a href={href.blast(reply.blast_id)}>
              #{reply.blast_id} {reply.blast_tag ?? 'Untitled'}
            </a>{' '}
            · {stageLabel(reply.follow_up_stage)}
          </summary>
          <p className="inbox-sent-text">{reply.sent_message}</p>
        </details>
      ) : (
        <p className="muted inbox-sent">Not matched to a blast (no message sent to this number recently).</p>
      )}
      {reply.note && <p className="inbox-note">Note: {reply.note}</p>}
      {reply.recipient_id !== null && (
        <div className="inbox-actions">
          {closed ? (
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              onClick={() => void act(() => api.reopenRecipient(reply.recipient_id!))}
            >
              Undo close
            </button>
          ) : (
            <form
              className="inbox-close"
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => api.closeRecipient(reply.recipient_id!, { outcome: outcome || null, note: note.trim() || null }));
              }}
            >
              <label>
                <span className="visually-hidden">Outcome</span>
                <select value={outcome} onChange={(e) => setOutcome(e.target.value as CloseOutcome | '')} aria-label="Outcome">
                  <option value="">No outcome</option>
                  <option value="won">Won</option>
                  <option value="lost">Lost</option>
                </select>
              </label>
              <input
                type="text"
                placeholder="Note (optional)"
                aria-label="Note"
                maxLength={1000}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
              <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
                Mark closed
              </button>
            </form>
          )}
        </div>
      )}
      <ErrorText messages={error} />
    </li>
  );
}
