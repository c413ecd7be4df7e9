import { formatDateTime, formatNumber, stageLabel } from '../lib/format.ts';
import type { BlastGroup } from '../lib/groupBlasts.ts';
import { href } from '../lib/router.ts';
import { segmentLabel } from '../lib/segments.ts';
import type { Blast } from '../lib/types.ts';
import { FunnelBar } from './FunnelBar.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { StateBadge } from './StateBadge.tsx';
import { processed } from './funnel.ts';
import css from './BlastListItem.module.css';

export function blastTitle(b: Blast): string {
  return b.tag?.trim() ? b.tag : `Blast #${b.id}`;
}

export function blastWhen(b: Blast): string {
  if (b.state === 'scheduled' && b.scheduled_at) return `Scheduled for ${formatDateTime(b.scheduled_at)}`;
  if (b.completed_at && (b.state === 'completed' || b.state === 'cancelled'))
    return `${b.state === 'completed' ? 'Finished' : 'Cancelled'} ${formatDateTime(b.completed_at)}`;
  if (b.started_at) return `Started ${formatDateTime(b.started_at)}`;
  if (b.scheduled_at) return `Scheduled for ${formatDateTime(b.scheduled_at)}`;
  return `Created ${formatDateTime(b.created_at)}`;
}

/** "Follow-up 1 of #12 · Read, not replied": what a follow-up is, without the parent's name repeated. */
export function followUpOf(b: Blast): string | null {
  if (!b.parent_blast_id) return null;
  const stage = b.follow_up_stage?.trim() || 'Follow-up';
  return `${stage} of #${b.parent_blast_id}${b.segment ? ` · ${segmentLabel(b.segment)}` : ''}`;
}

/** One blast of the list (its ID, failures at a glance), with its follow-ups nested under it. */
export function BlastListItem({ group }: { group: BlastGroup }) {
  const { blast, followUps } = group;
  const r = blast.report;
  const of = followUpOf(blast);
  return (
    <li className={`card ${css.item}`} data-blast-id={blast.id}>
      <div className={css.head}>
        <h2 className={css.title} data-testid="blast-item-title">
          <a href={href.blast(blast.id)}>
            <span className={css.id} data-testid="blast-item-id">
              #{blast.id}
            </span>
            {blastTitle(blast)}
          </a>
        </h2>
        <StateBadge state={blast.state} />
      </div>
      {of && (
        <p className={css.followUpOf} data-testid="blast-item-follow-up-of">
          {of}
        </p>
      )}
      <p className={css.meta}>
        <span className={css.stage}>{stageLabel(blast.follow_up_stage)}</span>
        <span aria-hidden="true"> · </span>
        <span>{formatNumber(r.total)} recipients</span>
        <span aria-hidden="true"> · </span>
        <span>{blastWhen(blast)}</span>
      </p>
      {(r.failed > 0 || r.uncertain > 0) && (
        <p className={css.trouble} data-testid="blast-item-trouble">
          {r.failed > 0 && <span className={css.failed}>{formatNumber(r.failed)} failed</span>}
          {r.uncertain > 0 && <span className={css.uncertain}>{formatNumber(r.uncertain)} uncertain</span>}
        </p>
      )}
      {blast.state === 'sending' && <ProgressBar done={processed(r)} total={r.total} label={`Sending progress of ${blastTitle(blast)}`} />}
      <FunnelBar report={r} />
      {followUps.length > 0 && (
        <ul className={css.children} aria-label={`Follow-ups of #${blast.id}`}>
          {followUps.map((g) => (
            <BlastListItem key={g.blast.id} group={g} />
          ))}
        </ul>
      )}
    </li>
  );
}
