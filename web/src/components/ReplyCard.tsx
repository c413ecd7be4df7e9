import { useState } from 'react';
import { api } from '../lib/api.ts';
import { cx } from '../lib/cx.ts';
import { formatDateTime, stageLabel } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import type { CloseOutcome, Reply } from '../lib/types.ts';
import { useAction } from '../lib/useAction.ts';
import { OptedOutBadge, OutcomeBadge, RecipientStatus } from './OptedOutBadge.tsx';
import { ErrorText } from './ErrorText.tsx';
import css from './ReplyCard.module.css';

/** One reply: who, what they wrote, what they were sent, and closing (with outcome and note) or undoing it. */
export function ReplyCard({ reply, onChanged }: { reply: Reply; onChanged: () => void }) {
  const [outcome, setOutcome] = useState<CloseOutcome | ''>('');
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  const closed = reply.status === 'CLOSED';
  const act = async (fn: () => Promise<unknown>) => {
    if (await run(fn)) onChanged();
  };

  return (
    <li className="card" data-testid="reply" data-recipient={reply.recipient_id ?? ''}>
      <div className={css.head}>
        <a href={href.contact(reply.phone)}>
          {reply.name ? <strong>{reply.name}</strong> : null} <span className={css.phone}>{reply.phone}</span>
        </a>
        {reply.status ? <RecipientStatus status={reply.status} optedOut={reply.opted_out} /> : reply.opted_out && <OptedOutBadge />}
        {reply.outcome && <OutcomeBadge outcome={reply.outcome} />}
        <time className={cx('muted', css.time)} dateTime={reply.received_at}>
          {formatDateTime(reply.received_at)}
        </time>
      </div>
      <p className={css.text} data-testid="reply-text">
        {reply.text}
      </p>
      {reply.blast_id !== null ? (
        <details className={css.sent}>
          <summary>
            In reply to{' '}
            <a href={href.blast(reply.blast_id)}>
              #{reply.blast_id} {reply.blast_tag ?? 'Untitled'}
            </a>{' '}
            · {stageLabel(reply.follow_up_stage)}
          </summary>
          <p className={css.sentText}>{reply.sent_message}</p>
        </details>
      ) : (
        <p className="muted">Not matched to a blast (no message sent to this number recently).</p>
      )}
      {reply.note && <p className={css.note}>Note: {reply.note}</p>}
      {reply.recipient_id !== null && (
        <div className={css.actions}>
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
              className={css.close}
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => api.closeRecipient(reply.recipient_id!, { outcome: outcome || null, note: note.trim() || null }));
              }}
            >
              <label>
                <span className="visually-hidden">Outcome</span>
                <select value={outcome} onChange={(e) => setOutcome(e.target.value as CloseOutcome | '')}>
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
