import type { ReactNode } from 'react';
import { cx } from '../lib/cx.ts';
import css from './FilterBar.module.css';

/** The filters over a list or report (labelled controls), a search landmark when they search. */
export function FilterBar({ search = false, children }: { search?: boolean; children: ReactNode }) {
  const className = cx('card', css.bar);
  return search ? <search className={className}>{children}</search> : <div className={className}>{children}</div>;
}

/** A checkbox filter, its label beside it. */
export function FilterCheck({
  checked,
  onChange,
  children,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
}) {
  return (
    <label className={css.check}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {children}
    </label>
  );
}
