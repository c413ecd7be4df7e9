import type { Variation } from '@domain/variation.ts';
import { formatNumber } from '../lib/format.ts';
import { cx } from '../lib/cx.ts';
import preview from './MessagePreview.module.css';
import css from './VariationSummary.module.css';

interface Props {
  variation: Variation;
  recipients: number;
  /** The message changed since the check that counted these texts. */
  stale: boolean;
}

/** How many distinct texts the blast sends and a few of them (from the dry run), with the uniformity warning. */
export function VariationSummary({ variation, recipients, stale }: Props) {
  const { distinct, possible, samples, warning } = variation;
  return (
    <section className={cx(css.variation, stale && css.stale)} aria-labelledby="variation-title" aria-live="polite" data-testid="variation">
      <h3 id="variation-title" className={css.title}>
        Texts sent{stale && <span className="muted"> — the message changed, check again</span>}
      </h3>
      <p>
        <strong data-testid="variation-distinct">{formatNumber(distinct)}</strong> distinct {distinct === 1 ? 'text' : 'texts'} for{' '}
        {formatNumber(recipients)} {recipients === 1 ? 'number' : 'numbers'}
        {possible > 1 && <span className="muted"> (the spintax makes {formatNumber(possible)} variants)</span>}.
      </p>
      {warning && !stale && (
        <p className="hint warn" role="note" data-testid="variation-warning">
          {warning}
        </p>
      )}
      {samples.length > 1 && (
        <ol className={css.variants} aria-label="Some of the texts">
          {samples.map((s) => (
            <li key={s.phone} data-testid="variant">
              <span className={cx('mono muted', css.to)} data-testid="variant-to">
                {s.phone}
              </span>
              <div className={cx(preview.bubble, css.text)} data-testid="variant-text">
                {s.text}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
