import { formatNumber, formatPercent } from '../lib/format.ts';
import type { Report } from '../lib/types.ts';
import { cx } from '../lib/cx.ts';
import { FUNNEL_STAGES, stageColour, stageRate } from './funnel.ts';
import css from './FunnelChart.module.css';

const TILES = [
  ['total', 'Recipients'],
  ['queued', 'Queued'],
  ['sending', 'Sending'],
  ['failed', 'Failed'],
  ['uncertain', 'Uncertain'],
  ['skipped', 'Skipped'],
] as const;
const TILE_CLASS: Partial<Record<(typeof TILES)[number][0], string | undefined>> = { failed: css.failed, uncertain: css.uncertain };

/** The funnel as horizontal bars, each with its count and percentage (sent: of all recipients; the rest: of sent). */
export function FunnelChart({ report }: { report: Report }) {
  const base = Math.max(report.total, 1);
  return (
    <div data-testid="funnel-chart">
      <dl className={css.rows}>
        {FUNNEL_STAGES.map((s, i) => {
          const count = report[s.key];
          const rate = stageRate(report, s.key);
          return (
            <div className={css.row} key={s.key} data-stage={s.key}>
              <dt>{s.label}</dt>
              <dd>
                <div className={css.track} aria-hidden="true">
                  <div className={cx(css.fill, stageColour(i))} style={{ width: `${(Math.min(count, base) / base) * 100}%` }} />
                </div>
                <span className={css.value}>
                  <span className={css.num} data-testid={`funnel-${s.key}`}>
                    {formatNumber(count)}
                  </span>{' '}
                  <span className={css.pct}>
                    {formatPercent(rate)} {s.key === 'sent' ? 'of all' : 'of sent'}
                  </span>
                </span>
              </dd>
            </div>
          );
        })}
      </dl>
      <dl className={css.tiles}>
        {TILES.map(([key, label]) => (
          <div key={key} className={cx(css.tile, TILE_CLASS[key])}>
            <dt>{label}</dt>
            <dd data-testid={`report-${key}`}>{formatNumber(report[key])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
