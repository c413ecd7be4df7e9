import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { focusOnMount } from '../lib/focusOnMount.ts';
import { formatNumber } from '../lib/format.ts';
import type { Blast } from '../lib/types.ts';
import { ErrorText } from './ErrorText.tsx';
import css from './BlastActions.module.css';

type Action = 'send' | 'pause' | 'resume' | 'cancel' | 'resend' | 'retry';

interface Props {
  blast: Blast;
  onChanged: () => void;
}

const messages = (n: number) => `${formatNumber(n)} ${n === 1 ? 'message' : 'messages'}`;

export function BlastActions({ blast, onChanged }: Props) {
  const [busy, setBusy] = useState<Action | 'count' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<null | 'cancel' | { retry: number; notRetryable: number }>(null);
  const s = blast.state;
  const r = blast.report;

  useEffect(() => {
    if (!notice) return;
    const t = window.setTimeout(() => setNotice(null), 6000);
    return () => window.clearTimeout(t);
  }, [notice]);

  const run = async (action: Action) => {
    setBusy(action);
    setError(null);
    setNotice(null);
    try {
      switch (action) {
        case 'send': {
          const res = await api.send(blast.id);
          setNotice(res.state === 'scheduled' ? 'Scheduled.' : 'Sending started.');
          break;
        }
        case 'pause':
          await api.pause(blast.id);
          setNotice('Paused. Messages already handed to the gateway still arrive.');
          break;
        case 'resume':
          await api.resume(blast.id);
          setNotice('Resumed.');
          break;
        case 'cancel':
          await api.cancel(blast.id);
          setNotice('Cancelled. Recipients not sent yet were skipped.');
          break;
        case 'resend': {
          const res = await api.resend(blast.id, 'UNCERTAIN');
          setNotice(`${messages(res.requeued)} queued again.`);
          break;
        }
        case 'retry': {
          const res = await api.resend(blast.id, 'FAILED');
          setNotice(
            `${messages(res.requeued)} queued again.${res.not_retryable ? ` ${formatNumber(res.not_retryable)} left as failed: another try cannot succeed.` : ''}`,
          );
          break;
        }
      }
      setConfirm(null);
      onChanged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  /** "Retry failed" asks first, with the server's count of what another try can fix. */
  const askRetry = async () => {
    setBusy('count');
    setError(null);
    try {
      const res = await api.resend(blast.id, 'FAILED', true);
      setConfirm({ retry: res.requeued, notRetryable: res.not_retryable });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  const canSend = s === 'draft';
  const canPause = s === 'sending' || s === 'scheduled';
  const canResume = s === 'paused';
  const canCancel = s === 'draft' || s === 'scheduled' || s === 'sending' || s === 'paused';
  const canResend = r.uncertain > 0 && s !== 'cancelled';
  const canRetry = r.failed > 0 && s !== 'cancelled';
  // Nothing to offer (a finished blast without failures): no empty bar under the funnel.
  if (!canSend && !canPause && !canResume && !canCancel && !canResend && !canRetry && !notice && !error) return null;

  return (
    <fieldset className={css.actions} aria-label="Blast actions" data-testid="blast-actions">
      <div className="actions-row">
        {canSend && (
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void run('send')}>
            {busy === 'send' ? 'Starting…' : blast.scheduled_at && new Date(blast.scheduled_at) > new Date() ? 'Schedule' : 'Send'}
          </button>
        )}
        {canPause && (
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void run('pause')}>
            {busy === 'pause' ? 'Pausing…' : 'Pause'}
          </button>
        )}
        {canResume && (
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void run('resume')}>
            {busy === 'resume' ? 'Resuming…' : 'Resume'}
          </button>
        )}
        {canRetry && (
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void askRetry()}>
            {busy === 'count' ? 'Counting…' : `Retry ${formatNumber(r.failed)} failed`}
          </button>
        )}
        {canResend && (
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void run('resend')}>
            {busy === 'resend' ? 'Queuing…' : `Resend ${formatNumber(r.uncertain)} uncertain`}
          </button>
        )}
        {canCancel && confirm !== 'cancel' && (
          <button type="button" className="btn btn-danger-outline" disabled={busy !== null} onClick={() => setConfirm('cancel')}>
            Cancel blast
          </button>
        )}
      </div>
      {canResend && <p className="hint">Uncertain: the gateway may or may not have sent these. Resending can deliver a message twice.</p>}
      {confirm !== null && confirm !== 'cancel' && (
        <div className={css.confirm} role="alertdialog" aria-labelledby="confirm-retry-text" data-testid="confirm-retry">
          <p id="confirm-retry-text">
            {confirm.retry > 0 ? `Send ${messages(confirm.retry)} again?` : 'None of the failures can be fixed by another try.'}
            {confirm.notRetryable > 0 &&
              ` ${formatNumber(confirm.notRetryable)} ${confirm.notRetryable === 1 ? 'stays' : 'stay'} failed: the number cannot receive WhatsApp, or WhatsApp refused the message itself.`}
          </p>
          <div className="actions-row">
            {confirm.retry > 0 && (
              <button
                ref={focusOnMount}
                type="button"
                className="btn btn-primary"
                disabled={busy !== null}
                onClick={() => void run('retry')}
              >
                {busy === 'retry' ? 'Queuing…' : `Yes, retry ${formatNumber(confirm.retry)}`}
              </button>
            )}
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              {confirm.retry > 0 ? 'Not now' : 'OK'}
            </button>
          </div>
        </div>
      )}
      {confirm === 'cancel' && (
        <div className={css.confirm} role="alertdialog" aria-labelledby="confirm-cancel-text">
          <p id="confirm-cancel-text">Cancel this blast? Recipients not sent yet will be skipped. This cannot be undone.</p>
          <div className="actions-row">
            <button ref={focusOnMount} type="button" className="btn btn-danger" disabled={busy !== null} onClick={() => void run('cancel')}>
              {busy === 'cancel' ? 'Cancelling…' : 'Yes, cancel blast'}
            </button>
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              Keep it
            </button>
          </div>
        </div>
      )}
      <ErrorText messages={error} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
    </fieldset>
  );
}
