import { useState } from 'react';
import { ApiError } from '../lib/apiError.ts';
import { errorText } from '../lib/errorText.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { SEGMENT_LABELS } from '../lib/segments.ts';
import { type ChainReport as Report, type LeaveReason, type Sequence, delayText, sequenceApi } from '../lib/sequenceApi.ts';
import type { Blast } from '../lib/types.ts';
import { usePolling } from '../lib/usePolling.ts';
import { cx } from '../lib/cx.ts';
import { ChainReport } from './ChainReport.tsx';
import { ErrorText } from './ErrorText.tsx';
import { SequenceEditor } from './SequenceEditor.tsx';
import css from './SequencePanel.module.css';

const REFRESH_MS = 3000;

const LEFT_LABELS: Record<LeaveReason, string> = {
  replied: 'replied',
  opted_out: 'opted out',
  closed: 'closed',
  failed: 'failed',
  uncertain: 'uncertain',
  skipped: 'not sent',
  taken_over: 'taken over by a newer sequence',
  cancelled: 'sequence cancelled',
  finished: 'got every step',
};

/**
 * The blast page's sequence: its steps as they fall due and become blasts, who is still in and
 * why others left, pause/resume/cancel, the step editor and the chain report. Refreshes every few
 * seconds: steps are created by the engine on its own clock.
 */
export function SequencePanel({ blast }: { blast: Blast }) {
  const [seq, setSeq] = useState<Sequence | null | undefined>(undefined);
  const [report, setReport] = useState<Report | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      const s = await sequenceApi.get(blast.id);
      setSeq(s);
      setReport(s.steps.some((x) => x.blast_id !== null) ? await sequenceApi.report(blast.id) : null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setSeq(null);
      else setError(errorText(err));
    }
  };
  usePolling(load, REFRESH_MS, [blast.id]);

  const act = async (action: 'pause' | 'resume' | 'cancel') => {
    if (action === 'cancel' && !window.confirm('Cancel the sequence? Steps not yet sent will not be sent.')) return;
    setBusy(true);
    setError(null);
    try {
      await sequenceApi.act(blast.id, action);
      await load();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (seq === undefined) return null;
  const live = seq !== null && (seq.state === 'running' || seq.state === 'paused');
  return (
    <section className={`card ${css.sequence}`} aria-labelledby="sequence-title" data-testid="sequence-panel">
      <div className="section-head">
        <h2 id="sequence-title">Sequence</h2>
        {seq && (
          <span className={`badge badge-${seq.state === 'running' ? 'sending' : seq.state}`} data-testid="sequence-state">
            {seq.state}
          </span>
        )}
      </div>
      {seq === null && !editing && (
        <>
          <p className="hint">
            Follow up automatically: each step goes, after its delay, to the people still in its segment. A reply, STOP, a close or a failed
            message ends it for that person.
          </p>
          {blast.state !== 'cancelled' && (
            <div className="actions-row">
              <button type="button" className="btn" onClick={() => setEditing(true)}>
                Add a sequence
              </button>
            </div>
          )}
        </>
      )}
      {seq && (
        <>
          {seq.waiting_for_blast_id !== null && (
            <p className="hint" data-testid="sequence-waiting">
              The next step's delay starts when{' '}
              {seq.waiting_for_blast_id === blast.id ? (
                'this blast'
              ) : (
                <a href={href.blast(seq.waiting_for_blast_id)}>blast #{seq.waiting_for_blast_id}</a>
              )}{' '}
              has finished sending.
            </p>
          )}
          <ol className={css.steps}>
            {seq.steps.map((s) => (
              <li
                key={s.position}
                className={cx(css.step, s.state === 'cancelled' && css.cancelled)}
                data-testid="sequence-step"
                data-state={s.state}
              >
                <div className={css.stepHead}>
                  <strong>Step {s.position}</strong>
                  <span>{SEGMENT_LABELS[s.segment]}</span>
                  <span className="muted">
                    {delayText(s.delay_seconds)} after {s.position === 1 ? 'the blast' : `step ${s.position - 1}`}
                  </span>
                  {s.follow_up_stage && <span className="muted">{s.follow_up_stage}</span>}
                  <span
                    className={`badge badge-${s.state === 'created' ? 'completed' : s.state === 'waiting' ? 'scheduled' : 'cancelled'}`}
                  >
                    {s.state}
                  </span>
                </div>
                <p className="message-text">{s.message}</p>
                <p className="hint">
                  {s.state === 'created' && s.blast_id !== null && (
                    <>
                      Sent as <a href={href.blast(s.blast_id)}>blast #{s.blast_id}</a> to {formatNumber(s.recipients ?? 0)} ·{' '}
                      {formatNumber(s.counts?.sent ?? 0)} sent, {formatNumber(s.counts?.replied ?? 0)} replied
                    </>
                  )}
                  {s.state === 'created' && s.blast_id === null && (s.note ?? 'Nobody was in its segment.')}
                  {s.state === 'waiting' &&
                    (s.due_at
                      ? `Due ${formatDateTime(s.due_at)}${seq.state === 'paused' ? ' (paused)' : ''}`
                      : 'Due once the step before it has finished sending')}
                  {s.state === 'cancelled' && 'Cancelled'}
                </p>
              </li>
            ))}
          </ol>
          <p data-testid="sequence-members">
            <strong>{formatNumber(seq.members.active)}</strong> of {formatNumber(seq.members.total)} still in
            {leftText(seq)}
          </p>
          {seq.members.taken_over_by.map((t) => (
            <p key={t.blast_id} className="hint">
              {formatNumber(t.members)} moved to the sequence of <a href={href.blast(t.blast_id)}>blast #{t.blast_id}</a>.
            </p>
          ))}
          {live && !editing && (
            <div className="actions-row">
              <button type="button" className="btn" disabled={busy} onClick={() => setEditing(true)}>
                Edit steps
              </button>
              {seq.state === 'running' ? (
                <button type="button" className="btn" disabled={busy} onClick={() => void act('pause')}>
                  Pause sequence
                </button>
              ) : (
                <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act('resume')}>
                  Resume sequence
                </button>
              )}
              <button type="button" className="btn btn-danger-outline" disabled={busy} onClick={() => void act('cancel')}>
                Cancel sequence
              </button>
            </div>
          )}
        </>
      )}
      {editing && (
        <SequenceEditor
          blastId={blast.id}
          sequence={seq}
          onSaved={(s) => {
            setSeq(s);
            setEditing(false);
          }}
          onClose={() => setEditing(false)}
        />
      )}
      <ErrorText messages={error} />
      {report && <ChainReport report={report} />}
    </section>
  );
}

function leftText(seq: Sequence): string {
  const parts = (Object.entries(seq.members.left) as Array<[LeaveReason, number]>)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${formatNumber(n)} ${LEFT_LABELS[why]}`);
  return parts.length ? `; left: ${parts.join(', ')}.` : '.';
}
