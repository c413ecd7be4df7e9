import { formatNumber } from '../lib/format.ts';
import type { Report } from '../lib/types.ts';
import { cx } from '../lib/cx.ts';
import { FUNNEL_STAGES, stageColour } from './funnel.ts';
import css from './FunnelBar.module.css';

/** A compact funnel: nested bars (sent ⊇ received ⊇ read ⊇ replied ⊇ closed) over all recipients. */
export function FunnelBar({ report }: { report: Report }) {
  const base = Math.max(report.total, 1);
  const summary = FUNNEL_STAGES.map((s) => `${formatNumber(report[s.key])} ${s.label.toLowerCase()}`).join(', ');
  return (
    <div>
      <div className={css.track} role="img" aria-label={`Funnel of ${formatNumber(report.total)}: ${summary}`}>
        {FUNNEL_STAGES.map((s, i) => (
          <div
            key={s.key}
            className={cx(css.layer, stageColour(i))}
            style={{ width: `${(Math.min(report[s.key], base) / base) * 100}%` }}
          />
        ))}
      </div>
      <ol className={css.legend} aria-hidden="true">
        {FUNNEL_STAGES.map((s, i) => (
          <li key={s.key}>
            <span className={cx(css.dot, stageColour(i))} />
            <span className={css.num}>{formatNumber(report[s.key])}</span> {s.label.toLowerCase()}
          </li>
        ))}
      </ol>
    </div>
  );
}
