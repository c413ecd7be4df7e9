import { formatNumber } from '../lib/format.ts';
import type { CreateBlastResult } from '../lib/types.ts';
import { cx } from '../lib/cx.ts';
import css from './CheckResult.module.css';

interface Props {
  result: CreateBlastResult;
  /** maps the API's 1-based position to the line the person sees (textarea line or CSV line) */
  sourceLine: (position: number) => number | undefined;
  sourceName: string;
  stale: boolean;
}

const SHOWN_INVALID = 50;

export function CheckResult({ result, sourceLine, sourceName, stale }: Props) {
  const invalid = result.invalid ?? [];
  return (
    <section className={cx(css.result, stale && css.stale)} aria-labelledby="check-title" aria-live="polite" data-testid="check-result">
      <h3 id="check-title" className={css.title}>
        Number check{stale && <span className="muted"> — out of date, check again</span>}
      </h3>
      <dl className={css.counts}>
        <div className={cx(css.count, css.valid)}>
          <dt>Valid</dt>
          <dd data-testid="count-valid">{formatNumber(result.total_recipients)}</dd>
        </div>
        <div className={cx(css.count, invalid.length > 0 && css.invalid)}>
          <dt>Invalid</dt>
          <dd data-testid="count-invalid">{formatNumber(invalid.length)}</dd>
        </div>
        <div className={cx(css.count, result.duplicates > 0 && css.warning)}>
          <dt>Duplicates</dt>
          <dd data-testid="count-duplicates">{formatNumber(result.duplicates)}</dd>
        </div>
        <div className={cx(css.count, result.opted_out > 0 && css.warning)}>
          <dt>Opted out</dt>
          <dd data-testid="count-opted-out">{formatNumber(result.opted_out)}</dd>
        </div>
      </dl>
      {(result.duplicates > 0 || result.opted_out > 0) && (
        <p className="hint">
          {result.duplicates > 0 && 'Duplicates are sent once. '}
          {result.opted_out > 0 && 'Opted-out numbers asked not to be contacted and will be skipped.'}
        </p>
      )}
      {invalid.length > 0 && (
        <details className={css.invalidList} open={invalid.length <= 10}>
          <summary>
            {formatNumber(invalid.length)} invalid {invalid.length === 1 ? 'entry' : 'entries'} will be left out
          </summary>
          <ul data-testid="invalid-lines">
            {invalid.slice(0, SHOWN_INVALID).map((inv) => (
              <li key={inv.line}>
                <span className="muted">
                  {sourceName} {sourceLine(inv.line) ?? inv.line}:
                </span>{' '}
                <code>{inv.input || '(empty)'}</code> — {inv.reason.charAt(0).toUpperCase() + inv.reason.slice(1)}
              </li>
            ))}
          </ul>
          {invalid.length > SHOWN_INVALID && <p className="muted">…and {formatNumber(invalid.length - SHOWN_INVALID)} more.</p>}
        </details>
      )}
    </section>
  );
}
