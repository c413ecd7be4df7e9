import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.ts';
import { ApiError } from '../lib/apiError.ts';
import { errorText } from '../lib/errorText.ts';
import { formatClock, formatDateTime, stageLabel } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { segmentLabel } from '../lib/segments.ts';
import type { Blast, BlastEvent } from '../lib/types.ts';
import { useBlastEvents } from '../lib/useBlastEvents.ts';
import { cx } from '../lib/cx.ts';
import { BlastActions } from '../components/BlastActions.tsx';
import { PacingPlan } from '../components/PacingPlan.tsx';
import { blastTitle } from '../components/BlastListItem.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { FollowUpPanel } from '../components/FollowUpPanel.tsx';
import { FunnelChart } from '../components/FunnelChart.tsx';
import { SendingProgress } from '../components/SendingProgress.tsx';
import { RecipientsTable } from '../components/RecipientsTable.tsx';
import { SequencePanel } from '../components/SequencePanel.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { processed } from '../components/funnel.ts';
import css from './BlastDetailPage.module.css';

const TABLE_REFRESH_MS = 2000;

export function BlastDetailPage({ id }: { id: number }) {
  const [blast, setBlast] = useState<Blast | null>(null);
  const [error, setError] = useState<{ text: string; notFound: boolean } | null>(null);
  const [tableKey, setTableKey] = useState(0);
  const lastTableRefresh = useRef(0);
  const pendingRefresh = useRef<number | undefined>(undefined);

  // Reload the recipients table when the funnel moves, at most every couple of seconds.
  const bumpTable = useCallback(() => {
    const wait = lastTableRefresh.current + TABLE_REFRESH_MS - Date.now();
    if (pendingRefresh.current !== undefined) return;
    pendingRefresh.current = window.setTimeout(
      () => {
        pendingRefresh.current = undefined;
        lastTableRefresh.current = Date.now();
        setTableKey((k) => k + 1);
      },
      Math.max(0, wait),
    );
  }, []);
  useEffect(() => () => window.clearTimeout(pendingRefresh.current), []);

  const load = useCallback(async () => {
    try {
      setBlast(await api.getBlast(id));
      setError(null);
    } catch (err) {
      setError({ text: errorText(err), notFound: err instanceof ApiError && err.status === 404 });
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  const onEvent = useCallback(
    (e: BlastEvent) => {
      setBlast((b) => {
        if (!b) return b;
        const changed = b.state !== e.state || JSON.stringify(b.report) !== JSON.stringify(e.report);
        if (!changed) return b;
        if (b.state !== e.state) void load(); // pick up started/completed times
        bumpTable();
        return { ...b, state: e.state, report: e.report };
      });
    },
    [bumpTable, load],
  );
  const live = useBlastEvents(id, onEvent);

  useEffect(() => {
    if (blast) document.title = `${blastTitle(blast)} · wablast`;
  }, [blast]);

  if (error && !blast) {
    return (
      <div className="card center-card">
        <h1>{error.notFound ? `Blast #${id} not found` : 'Cannot load this blast'}</h1>
        <ErrorText messages={error.notFound ? null : error.text} />
        <p>
          <a href={href.list}>Back to blasts</a>
        </p>
      </div>
    );
  }
  if (!blast) return <p className="muted loading">Loading blast…</p>;

  const r = blast.report;
  // A finished blast no longer changes by itself: no "Live" dot, the time it ended instead.
  const settled = blast.state === 'completed' || blast.state === 'cancelled';
  return (
    <article aria-labelledby="blast-title" data-testid="blast-detail" data-blast-id={blast.id}>
      <p className={css.breadcrumb}>
        <a href={href.list}>← Blasts</a>
      </p>
      <div className="page-head">
        <div className={css.title}>
          <h1 id="blast-title">{blastTitle(blast)}</h1>
          <span className={css.id} data-testid="blast-id">
            #{blast.id}
          </span>
        </div>
        <StateBadge state={blast.state} />
      </div>
      {blast.parent_blast_id ? (
        <p className={css.followUpOf} data-testid="follow-up-of">
          Follow-up of <a href={href.blast(blast.parent_blast_id)}>blast #{blast.parent_blast_id}</a>
          {blast.segment ? ` (${segmentLabel(blast.segment)})` : ''}
        </p>
      ) : null}
      <dl className={css.meta}>
        <div>
          <dt>Stage</dt>
          <dd>{stageLabel(blast.follow_up_stage)}</dd>
        </div>
        <div>
          <dt>{blast.state === 'scheduled' ? 'Scheduled for' : 'Scheduled'}</dt>
          <dd>{formatDateTime(blast.scheduled_at)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDateTime(blast.started_at)}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>{formatDateTime(blast.completed_at)}</dd>
        </div>
        <div>
          <dt>Device</dt>
          <dd className="mono">{blast.device}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(blast.created_at)}</dd>
        </div>
      </dl>

      <div className={css.grid}>
        <section className="card" aria-labelledby="funnel-title">
          <div className="section-head">
            <h2 id="funnel-title">Funnel</h2>
            {settled ? (
              <span className="muted" role="status" data-testid="settled">
                {blast.state === 'completed'
                  ? `Finished ${formatClock(blast.completed_at)}`
                  : `Cancelled ${formatClock(blast.completed_at)}`}
              </span>
            ) : (
              <span className={cx(css.live, live === 'live' && css.on)} role="status" data-testid="live">
                {live === 'live' ? 'Live' : live === 'polling' ? 'Reconnecting…' : 'Connecting…'}
              </span>
            )}
          </div>
          {(blast.state === 'sending' || blast.state === 'paused') && (
            <SendingProgress done={processed(r)} total={r.total} paused={blast.state === 'paused'} plan={blast.plan} />
          )}
          <PacingPlan blast={blast} />
          <FunnelChart report={r} />
          <BlastActions blast={blast} onChanged={() => void load()} />
        </section>
        <div>
          <section className="card" aria-labelledby="message-title">
            <h2 id="message-title">Message</h2>
            <p className="message-text">{blast.message}</p>
          </section>
          {(r.sent > 0 || r.failed > 0) && <FollowUpPanel blast={blast} />}
        </div>
      </div>

      <SequencePanel blast={blast} />

      <RecipientsTable blastId={blast.id} refreshKey={tableKey} onRecipientClosed={() => void load()} />
    </article>
  );
}
