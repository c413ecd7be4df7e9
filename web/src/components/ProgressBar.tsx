import { formatNumber } from '../lib/format.ts';
import css from './ProgressBar.module.css';

export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className={css.progress}>
      <div
        className={css.track}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${formatNumber(done)} of ${formatNumber(total)} (${pct}%)`}
      >
        <div className={css.fill} style={{ width: `${pct}%` }} />
      </div>
      <span className={css.text}>
        {formatNumber(done)} / {formatNumber(total)} · {pct}%
      </span>
    </div>
  );
}
