import { formatNumber, formatPercent } from '../lib/format.ts';
import type { Report } from '../lib/types.ts';
import { FUNNEL_STAGES, stageRate } from './funnel.ts';

/** The funnel as horizontal bars, each with its count and percentage (sent: of all recipients; the rest: of sent). */
export function FunnelChart({ report }: { report: Report }) {
  const base = Math.max(report.total, 1);
  return (
    <div className="funnel-chart" data-testid="funnel-chart">
      <dl className="funnel-rows">
        {FUNNEL_STAGES.map((s, i) => {
          const count = report[s.key];
          const rate = stageRate(report, s.key);
          return (
            <div className="funnel-row" key={s.key} data-stage={s.key}>
              <dt>{s.label}</dt>
              <dd>
                <div className="funnel-row-track" aria-hidden="true">
                  <div className={`funnel-row-fill layer-${i}`} style={{ width: `${(Math.min(count, base) / base) * 100}%` }} />
                </div>
                <span className="funnel-row-value">
                  <span className="num" data-testid={`funnel-${s.key}`}>
                    {formatNumber(count)}
                  </span>{' '}
                  <span className="pct">
                    {formatPercent(rate)} {s.key === 'sent' ? 'of all' : 'of sent'}
                  </span>
                </span>
              </dd>
            </div>
          );
        })}
      </dl>
      <dl className="report-tiles">
        {(
          [
            ['total', 'Recipients'],
            ['queued', 'Queued'],
            ['sending', 'Sending'],
            ['failed', 'Failed'],
            ['uncertain', 'Uncertain'],
            ['skipped', 'Skipped'],
          ] as const
        ).map(([key, label]) => (
          <div key={key} className={`tile tile-${key}`}>
            <dt>{label}</dt>
            <dd data-testid={`report-${key}`}>{formatNumber(report[key])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
