import { useState, type FormEvent } from 'react';
import { api } from '../lib/api.ts';
import { cx } from '../lib/cx.ts';
import { formatNumber } from '../lib/format.ts';
import type { OptOutImport } from '../lib/types.ts';
import { useAction } from '../lib/useAction.ts';
import { ErrorText } from './ErrorText.tsx';
import { Optional } from './Field.tsx';
import css from '../pages/OptOutsPage.module.css';

/** Opts one number out by hand, with an optional reason. */
export function AddOptOut({ onAdded }: { onAdded: () => void }) {
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    if (!phone.trim()) return setError('Type the phone number to opt out.');
    const added = await run(async () => {
      const res = await api.addOptOut(phone.trim(), reason.trim() || undefined);
      setNotice(res.added ? `${res.phone_number} is opted out.` : `${res.phone_number} was already opted out.`);
    });
    if (!added) return;
    setPhone('');
    setReason('');
    onAdded();
  };
  return (
    <form className={css.row} onSubmit={(e) => void submit(e)} noValidate aria-label="Add an opt-out">
      <label>
        Phone number
        <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+60 12-345 6789" />
      </label>
      <label className={css.grow}>
        <Optional>Reason</Optional>
        <input type="text" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. asked by phone" />
      </label>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add opt-out'}
      </button>
      <ErrorText messages={error} />
      {notice && (
        <p className={cx('notice', css.result)} role="status">
          {notice}
        </p>
      )}
    </form>
  );
}

/** Opts out every number of a CSV file and says what became of them. */
export function ImportOptOuts({ onImported }: { onImported: () => void }) {
  const [result, setResult] = useState<OptOutImport | null>(null);
  const { busy, error, run } = useAction();
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setResult(null);
    const form = new FormData();
    form.append('file', file, file.name);
    if (await run(async () => setResult(await api.importOptOuts(form)))) onImported();
  };
  return (
    <div className={css.row}>
      <label>
        Import a CSV (a “phone” column)
        <input id="optout-file" type="file" accept=".csv,text/csv" disabled={busy} onChange={(e) => void upload(e.target.files?.[0])} />
      </label>
      {busy && <span className="muted">Importing…</span>}
      <ErrorText messages={error} />
      {result && (
        <p className={cx('notice', css.result)} role="status" data-testid="optout-import-result">
          {formatNumber(result.added)} opted out
          {result.already > 0 && `, ${formatNumber(result.already)} already were`}
          {result.duplicates > 0 && `, ${formatNumber(result.duplicates)} duplicate${result.duplicates === 1 ? '' : 's'}`}
          {result.invalid.length > 0 &&
            `, ${formatNumber(result.invalid.length)} invalid (${result.invalid
              .slice(0, 3)
              .map((i) => `line ${i.line + 1}: ${i.input || 'empty'}`)
              .join('; ')}${result.invalid.length > 3 ? '…' : ''})`}
          .
        </p>
      )}
    </div>
  );
}
