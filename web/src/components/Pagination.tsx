import { formatNumber } from '../lib/format.ts';
import css from './Pagination.module.css';

interface Props {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
  label: string;
}

export function Pagination({ total, limit, offset, onChange, label }: Props) {
  if (total <= limit && offset === 0) return null;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <nav className={css.pagination} aria-label={label}>
      <button type="button" className="btn" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>
        ← Previous
      </button>
      <span className={css.text} aria-live="polite" data-testid="pagination-text">
        {formatNumber(from)}–{formatNumber(to)} of {formatNumber(total)}
      </span>
      <button type="button" className="btn" onClick={() => onChange(offset + limit)} disabled={offset + limit >= total}>
        Next →
      </button>
    </nav>
  );
}
