import { formatDateTime, stageLabel } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import type { Blast } from '../lib/types.ts';
import { FunnelBar } from './FunnelBar.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { StateBadge } from './StateBadge.tsx';
import { processed } from './funnel.ts';

export function blastTitle(b: Blast): string {
  return b.tag && b.tag.trim() ? b.tag : `Blast #${b.id}`;
}

export function blastWhen(b: Blast): string {
  if (b.state === 'scheduled' && b.scheduled_at) return `Scheduled for ${formatDateTime(b.scheduled_at)}`;
  if (b.completed_at && (b.state === 'completed' || b.state === 'cancelled'))
    return `${b.state === 'completed' ? 'Finished' : 'Cancelled'} ${formatDateTime(b.completed_at)}`;
  if (b.started_at) return `Started ${formatDateTime(b.started_at)}`;
  if (b.scheduled_at) return `Scheduled for ${formatDateTime(b.scheduled_at)}`;
  return `Created ${formatDateTime(b.created_at)}`;
}

export function BlastListItem({ blast }: { blast: Blast }) {
  const r = blast.report;
  return (
    <li className="card blast-item" data-blast-id={blast.id}>
      <div className="blast-item-head">
        <h2 className="blast-item-title">
          <a href={href.blast(blast.id)}>{blastTitle(blast)}</a>
        </h2>
        <StateBadge state={blast.state} />
      </div>
      <p className="blast-item-meta">
        <span className="stage">{stageLabel(blast.follow_up_stage)}</span>
        <span aria-hidden="true"> · </span>
        <span>{r.total} recipients</span>
        <span aria-hidden="true"> · </span>
        <span>{blastWhen(blast)}</span>
      </p>
      {blast.state === 'sending' && <ProgressBar done={processed(r)} total={r.total} label={`Sending progress of ${blastTitle(blast)}`} />}
      <FunnelBar report={r} />
    </li>
  );
}
