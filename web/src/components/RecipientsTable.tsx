import { useEffect, useRef, useState } from 'react';
import { api, errorText } from '../lib/api.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { RECIPIENT_STATUSES, type Recipient, type RecipientList } from '../lib/types.ts';
import { ErrorText } from './ErrorText.tsx';
import { Pagination } from './Pagination.tsx';
import { StatusBadge, statusLabel } from './StatusBadge.tsx';

const PAGE_SIZE = 50;
const CLOSABLE = new Set(['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED']);

function lastUpdate(r: Recipient): string | null {
  return r.closed_at ?? r.replied_at ?? r.read_at ?? r.delivered_at ?? r.failed_at ?? r.sent_at ?? null;
}

interface Props {
  blastId: number;
  /** changes whenever the funnel moved, so the table reloads */
  refreshKey: number;
  onRecipientClosed: () => void;
}

export function RecipientsTable({ blastId, refreshKey, onRecipientClosed }: Props) {
  const [status, setStatus] = useState('');
  const [phoneInput, setPhoneInput] = useState('');
  const [phone, setPhone] = useState('');
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<RecipientList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [closing, setClosing] = useState<number | null>(null);
  const request = useRef(0);

  // Debounce the phone search.
  useEffect(() => {
    const t = window.setTimeout(() => {
      setPhone(phoneInput.trim());
      setOffset(0);
    }, 300);
    return () => window.clearTimeout(t);
  }, [phoneInput]);

  useEffect(() => {
    const n = ++request.current;
    api
      .listRecipients(blastId, { status: status || undefined, phone: phone || undefined, limit: PAGE_SIZE, offset })
      .then(
        (list) => {
          if (n !== request.current) return;
          setData(list);
          setError(null);
        },
        (err) => {
          if (n === request.current) setError(errorText(err));
        },
      );
  }, [blastId, status, phone, offset, refreshKey]);

  const close = async (r: Recipient) => {
    setClosing(r.id);
    setRowErrors((e) => ({ ...e, [r.id]: '' }));
    try {
      const res = await api.closeRecipient(r.id);
      setData((d) => d && { ...d, recipients: d.recipients.map((x) => (x.id === r.id ? res.recipient : x)) });
      onRecipientClosed();
    } catch (err) {
      setRowErrors((e) => ({ ...e, [r.id]: errorText(err) }));
    } finally {
      setClosing(null);
    }
  };

  const csvUrl = api.recipientsCsvUrl(blastId, { status: status || undefined, phone: phone || undefined });

  return (
    <section className="card recipients-card" aria-labelledby="recipients-title">
      <div className="section-head">
        <h2 id="recipients-title">Recipients</h2>
        <a className="btn btn-small" href={csvUrl} download data-testid="export-csv">
          Export CSV
        </a>
      </div>
      <div className="filters" role="search">
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
          <label htmlFor="phone-search">Phone</label>
          <input
            id="phone-search"
            type="search"
            inputMode="tel"
            value={phoneInput}
            placeholder="Search numbers"
            onChange={(e) => setPhoneInput(e.target.value)}
          />
        </div>
      </div>
      <ErrorText messages={error} />
      {data && (
        <>
          <p className="muted table-count" aria-live="polite" data-testid="recipients-total">
            {formatNumber(data.total)} {data.total === 1 ? 'recipient' : 'recipients'}
            {status || phone ? ' match' : ''}
          </p>
          {data.recipients.length > 0 ? (
            <div className="table-wrap">
              <table className="table" data-testid="recipients-table">
                <thead>
                  <tr>
                    <th scope="col">Phone</th>
                    <th scope="col">Status</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Last update</th>
                    <th scope="col">Details</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.recipients.map((r) => (
                    <tr key={r.id} data-recipient-id={r.id}>
                      <td data-label="Phone" className="mono">
                        {r.phone_number}
                      </td>
                      <td data-label="Status">
                        <StatusBadge status={r.status} />
                      </td>
                      <td data-label="Sent">{formatDateTime(r.sent_at)}</td>
                      <td data-label="Last update">{formatDateTime(lastUpdate(r))}</td>
                      <td data-label="Details" className="details-cell">
                        {r.last_error ? <span className="error-inline">{r.last_error}</span> : null}
                        {r.attempts > 1 ? <span className="muted"> {r.attempts} attempts</span> : null}
                        {!r.last_error && r.attempts <= 1 ? <span className="muted">—</span> : null}
                      </td>
                      <td data-label="" className="row-actions">
                        {CLOSABLE.has(r.status) && (
                          <button
                            type="button"
                            className="btn btn-small"
                            disabled={closing !== null}
                            onClick={() => void close(r)}
                            aria-label={`Mark ${r.phone_number} closed`}
                          >
                            {closing === r.id ? 'Closing…' : 'Mark closed'}
                          </button>
                        )}
                        {rowErrors[r.id] && <span className="error-inline" role="alert">{rowErrors[r.id]}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted empty-table">No recipients match.</p>
          )}
          <Pagination total={data.total} limit={PAGE_SIZE} offset={offset} onChange={setOffset} label="Recipients pages" />
        </>
      )}
    </section>
  );
}
