import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { formatNumber } from '../lib/format.ts';
import { useDebouncedSearch } from '../lib/useDebouncedSearch.ts';
import { useMediaQuery } from '../lib/useMediaQuery.ts';
import { RECIPIENT_STATUSES, type Recipient, type RecipientList } from '../lib/types.ts';
import { ErrorText } from './ErrorText.tsx';
import { Pagination } from './Pagination.tsx';
import { statusLabel } from './StatusBadge.tsx';
import { RecipientRow } from './RecipientRow.tsx';
import css from './RecipientsTable.module.css';

// A phone shows a short page of cards, not 47 of them in one 10,000 px scroll.
const PAGE_SIZE = { wide: 50, phone: 10 };
interface Props {
  blastId: number;
  /** changes whenever the funnel moved, so the table reloads */
  refreshKey: number;
  onRecipientClosed: () => void;
}

export function RecipientsTable({ blastId, refreshKey, onRecipientClosed }: Props) {
  const phoneWidth = useMediaQuery('(max-width: 639px)');
  const pageSize = phoneWidth ? PAGE_SIZE.phone : PAGE_SIZE.wide;
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const { input: searchInput, setInput: setSearchInput, search } = useDebouncedSearch(() => setOffset(0));
  const [reload, setReload] = useState(0);
  const [data, setData] = useState<RecipientList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [closing, setClosing] = useState<number | null>(null);
  const request = useRef(0);

  // A new page size starts again from the first page.
  const [shownSize, setShownSize] = useState(pageSize);
  if (shownSize !== pageSize) {
    setShownSize(pageSize);
    setOffset(0);
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies(refreshKey): the funnel moved, so the page is read again
  // biome-ignore lint/correctness/useExhaustiveDependencies(reload): a recipient was closed, so the page is read again
  useEffect(() => {
    const n = ++request.current;
    api.listRecipients(blastId, { status: status || undefined, q: search || undefined, limit: pageSize, offset }).then(
      (list) => {
        if (n !== request.current) return;
        setData(list);
        setError(null);
      },
      (err) => {
        if (n === request.current) setError(errorText(err));
      },
    );
  }, [blastId, status, search, offset, pageSize, refreshKey, reload]);

  const close = async (r: Recipient) => {
    setClosing(r.id);
    setRowErrors((e) => ({ ...e, [r.id]: '' }));
    try {
      const res = await api.closeRecipient(r.id);
      setData((d) => d && { ...d, recipients: d.recipients.map((x) => (x.id === r.id ? { ...x, ...res.recipient } : x)) });
      // Reload the page now: under a status filter the closed row leaves the view (and counts change).
      setReload((k) => k + 1);
      onRecipientClosed();
    } catch (err) {
      setRowErrors((e) => ({ ...e, [r.id]: errorText(err) }));
    } finally {
      setClosing(null);
    }
  };

  const csvUrl = api.recipientsCsvUrl(blastId, { status: status || undefined, q: search || undefined });

  return (
    <section className="card" aria-labelledby="recipients-title">
      <div className="section-head">
        <h2 id="recipients-title">Recipients</h2>
        <a className="btn btn-small" href={csvUrl} download data-testid="export-csv">
          Export CSV
        </a>
      </div>
      <search className={css.filters}>
        <div className="field">
          <label htmlFor="status-filter">Status</label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">All statuses</option>
            {RECIPIENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="recipient-search">Search</label>
          <input
            id="recipient-search"
            type="search"
            value={searchInput}
            placeholder="Name or number"
            onChange={(e) => setSearchInput(e.target.value)}
          />
        </div>
      </search>
      <ErrorText messages={error} />
      {data && (
        <>
          <p className={`muted ${css.count}`} aria-live="polite" data-testid="recipients-total">
            {formatNumber(data.total)} {data.total === 1 ? 'recipient' : 'recipients'}
            {status || search ? ' match' : ''}
          </p>
          {data.recipients.length > 0 ? (
            <div>
              <table className="table" data-testid="recipients-table">
                <thead>
                  <tr>
                    <th scope="col">Recipient</th>
                    <th scope="col">Status</th>
                    <th scope="col">Latest reply</th>
                    <th scope="col">Last update</th>
                    <th scope="col">Details</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.recipients.map((r) => (
                    <RecipientRow key={r.id} r={r} closing={closing} onClose={() => void close(r)} error={rowErrors[r.id]} />
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className={`muted ${css.empty}`}>No recipients match.</p>
          )}
          <Pagination total={data.total} limit={pageSize} offset={offset} onChange={setOffset} label="Recipients pages" />
        </>
      )}
    </section>
  );
}
