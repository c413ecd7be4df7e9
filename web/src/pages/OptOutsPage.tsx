import { useCallback, useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { useDebouncedSearch } from '../lib/useDebouncedSearch.ts';
import type { OptOut, OptOutList, OptOutSource } from '../lib/types.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { AddOptOut, ImportOptOuts } from '../components/OptOutForms.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { PhoneLink } from '../components/PhoneLink.tsx';
import css from './OptOutsPage.module.css';

const PAGE_SIZE = 25;

/** Where an opt-out came from, in words. */
export const SOURCE_LABELS: Record<OptOutSource, string> = {
  reply: 'Replied STOP',
  manual: 'Added by hand',
  import: 'Imported',
  probably_blocked: 'Probably blocked',
};
const SOURCE_CLASS: Partial<Record<OptOutSource, string | undefined>> = {
  reply: css.sourceReply,
  probably_blocked: css.sourceProbablyBlocked,
};

/** Numbers never to message: search, filter by source, add one, import a CSV, remove. */
export function OptOutsPage() {
  const [source, setSource] = useState<OptOutSource | ''>('');
  const [offset, setOffset] = useState(0);
  const { input: qInput, setInput: setQInput, search: q } = useDebouncedSearch(() => setOffset(0));
  const [data, setData] = useState<OptOutList | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await api.listOptOuts({ q: q || undefined, source: source || undefined, limit: PAGE_SIZE, offset }));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, [q, source, offset]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="optouts-title">
      <div className="page-head">
        <h1 id="optouts-title">Opt-outs</h1>
      </div>
      <p className="muted">These numbers are never messaged: new blasts and follow-ups leave them out.</p>
      <div className={`card ${css.tools}`}>
        <search className={css.row}>
          <label className={css.grow}>
            Search
            <input type="search" placeholder="Number or reason" value={qInput} onChange={(e) => setQInput(e.target.value)} />
          </label>
          <label>
            Source
            <select
              value={source}
              onChange={(e) => {
                setSource(e.target.value as OptOutSource | '');
                setOffset(0);
              }}
            >
              <option value="">All sources</option>
              {(Object.keys(SOURCE_LABELS) as OptOutSource[]).map((s) => (
                <option key={s} value={s}>
                  {SOURCE_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
        </search>
        <AddOptOut onAdded={() => void load()} />
        <ImportOptOuts onImported={() => void load()} />
      </div>
      <ErrorText messages={error} />
      {!data && !error && <p className="muted loading">Loading opt-outs…</p>}
      {data && (
        <>
          <p className="muted" data-testid="optouts-total" aria-live="polite">
            {formatNumber(data.total)} {data.total === 1 ? 'number' : 'numbers'}
            {q || source ? ' match' : ''}
          </p>
          {data.opt_outs.length === 0 ? (
            <div className="card empty">
              <h2>{q || source ? 'No opt-outs match' : 'No opt-outs yet'}</h2>
              <p>A number lands here when it replies STOP, when you add or import it, or when you mark it as probably blocked.</p>
            </div>
          ) : (
            <ul className={css.list} aria-label="Opt-outs, newest first">
              {data.opt_outs.map((o) => (
                <OptOutItem key={o.phone_number} o={o} onRemoved={() => void load()} />
              ))}
            </ul>
          )}
          <Pagination total={data.total} limit={PAGE_SIZE} offset={offset} onChange={setOffset} label="Opt-outs pages" />
        </>
      )}
    </section>
  );
}

function OptOutItem({ o, onRemoved }: { o: OptOut; onRemoved: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The person asked to stop: removing that takes a second, deliberate click.
  const [confirming, setConfirming] = useState(false);
  const remove = async () => {
    if (o.source === 'reply' && !confirming) return setConfirming(true);
    setBusy(true);
    setError(null);
    try {
      await api.removeOptOut(o.phone_number);
      onRemoved();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <li className={`card ${css.item}`} data-testid="optout" data-phone={o.phone_number}>
      <PhoneLink phone={o.phone_number} className={css.phone} />
      <span className={`${css.source} ${SOURCE_CLASS[o.source] ?? ''}`} data-testid="optout-source">
        {SOURCE_LABELS[o.source] ?? o.source}
      </span>
      {o.reason && <span className={css.reason}>{o.reason}</span>}
      <span className={css.end}>
        <span className="muted">{formatDateTime(o.created_at)}</span>
        <a className="btn btn-small" href={href.contact(o.phone_number)}>
          History
        </a>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy}
          onClick={() => void remove()}
          aria-label={`Remove ${o.phone_number} from opt-outs`}
        >
          {busy ? 'Removing…' : confirming ? 'Yes, remove' : 'Remove'}
        </button>
      </span>
      {confirming && (
        <p className="hint warn" role="alert">
          This person replied STOP. Message them again only if they asked you to.
        </p>
      )}
      <ErrorText messages={error} />
    </li>
  );
}
