import { useEffect, useState } from 'react';
import { api, errorText } from '../lib/api.ts';
import { formatNumber } from '../lib/format.ts';
import type { Blast } from '../lib/types.ts';
import { ErrorText } from './ErrorText.tsx';

type Action = 'send' | 'pause' | 'resume' | 'cancel' | 'resend';

interface Props {
  blast: Blast;
  onChanged: () => void;
}

export function BlastActions({ blast, onChanged }: Props) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
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
          const res = await api.resendUncertain(blast.id);
          setNotice(`${formatNumber(res.requeued)} uncertain ${res.requeued === 1 ? 'message was' : 'messages were'} queued again.`);
          break;
        }
      }
      setConfirmCancel(false);
      onChanged();
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

  return (
    <div className="blast-actions" aria-label="Blast actions" role="group">
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
        {canResend && (
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void run('resend')}>
            {busy === 'resend' ? 'Queuing…' : `Resend ${formatNumber(r.uncertain)} uncertain`}
          </button>
        )}
        {canCancel && !confirmCancel && (
          <button type="button" className="btn btn-danger-outline" disabled={busy !== null} onClick={() => setConfirmCancel(true)}>
            Cancel blast
          </button>
        )}
      </div>
      {canResend && (
        <p className="hint">
          Uncertain: the gateway may or may not have sent these. Resending can deliver a message twice.
        </p>
      )}
      {confirmCancel && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-cancel-text">
          <p id="confirm-cancel-text">Cancel this blast? Recipients not sent yet will be skipped. This cannot be undone.</p>
          <div className="actions-row">
            <button type="button" className="btn btn-danger" disabled={busy !== null} onClick={() => void run('cancel')} autoFocus>
              {busy === 'cancel' ? 'Cancelling…' : 'Yes, cancel blast'}
            </button>
            <button type="button" className="btn" onClick={() => setConfirmCancel(false)}>
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
    </div>
  );
}
