import { formatNumber, formatPercent, stageLabel } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import type { ChainReport as Report } from '../lib/sequenceApi.ts';
import css from './ChainReport.module.css';

/**
 * The whole chain at a glance: each stage's sent, read and replied, and how many of the people
 * first messaged had replied by then (each person counted once).
 */
export function ChainReport({ report }: { report: Report }) {
  return (
    <div className={css.report} data-testid="chain-report">
      <h3>Chain report</h3>
      <p>
        <strong data-testid="chain-reply-rate">{formatPercent(report.reply_rate)}</strong> of the {formatNumber(report.sent)} people
        messaged replied at some step ({formatNumber(report.replied)}).
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Sent</th>
            <th scope="col">Read</th>
            <th scope="col">Replied</th>
            <th scope="col">Replied so far</th>
          </tr>
        </thead>
        <tbody>
          {report.stages.map((s) => (
            <tr key={s.position} data-testid="chain-stage">
              <th scope="row">
                <a href={href.blast(s.blast_id)}>
                  {s.position === 0 ? stageLabel(s.follow_up_stage) : (s.follow_up_stage ?? `Step ${s.position}`)}
                </a>
              </th>
              <td data-label="Sent">{formatNumber(s.sent)}</td>
              <td data-label="Read">{formatNumber(s.read)}</td>
              <td data-label="Replied">{formatNumber(s.replied)}</td>
              <td data-label="Replied so far">
                {formatNumber(s.cumulative_replied)} ({formatPercent(s.cumulative_reply_rate)})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
