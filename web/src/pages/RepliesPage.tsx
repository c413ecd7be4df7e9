import { useCallback, useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { formatNumber } from '../lib/format.ts';
import type { ReplyFilter, ReplyList } from '../lib/types.ts';
import { cx } from '../lib/cx.ts';
import { useEventStream } from '../lib/useEventStream.ts';
import { ReplyCard } from '../components/ReplyCard.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { FilterBar, FilterCheck } from '../components/FilterBar.tsx';
import css from './RepliesPage.module.css';

const PAGE_SIZE = 25;
type Filters = Omit<ReplyFilter, 'limit' | 'offset'>;

/** Every reply across blasts, newest first, live; filters, search, close with an outcome. */
export function RepliesPage() {
  const [filters, setFilters] = useState<Filters>({ open: 'true' });
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<ReplyList | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await api.listReplies({ ...clean(filters), limit: PAGE_SIZE, offset }));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, [filters, offset]);

  useEffect(() => {
    void load();
  }, [load]);
  const live = useEventStream('/api/replies/events', ['change'], () => void load(), load);

  const set = (k: keyof Filters, v: string) => {
    setOffset(0);
    setFilters((f) => ({ ...f, [k]: v || undefined }));
  };

  return (
    <section aria-labelledby="replies-title">
      <div className="page-head">
        <h1 id="replies-title">Replies</h1>
        <span className={cx(css.live, live === 'live' && css.on)} data-testid="replies-live">
          {live === 'live' ? 'Live' : live === 'polling' ? 'Reconnecting…' : 'Connecting…'}
        </span>
      </div>
      <FilterBar search>
        <label>
          Search
          <input type="search" placeholder="Number or text" value={filters.q ?? ''} onChange={(e) => set('q', e.target.value)} />
        </label>
        <label>
          Blast #
          <input
            type="number"
            min={1}
            inputMode="numeric"
            value={filters.blast_id ?? ''}
            onChange={(e) => set('blast_id', e.target.value)}
          />
        </label>
        <label>
          Tag
          <input type="text" value={filters.tag ?? ''} onChange={(e) => set('tag', e.target.value)} />
        </label>
        <label>
          Stage
          <input type="text" value={filters.stage ?? ''} onChange={(e) => set('stage', e.target.value)} />
        </label>
        <label>
          From
          <input type="date" value={filters.from ?? ''} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={filters.to ?? ''} onChange={(e) => set('to', e.target.value)} />
        </label>
        <FilterCheck checked={filters.open === 'true'} onChange={(on) => set('open', on ? 'true' : '')}>
          Not yet closed <span className="muted">(opt-outs left out)</span>
        </FilterCheck>
      </FilterBar>
      <ErrorText messages={error} />
      {!data && !error && <p className="muted loading">Loading replies…</p>}
      {data && (
        <>
          <p className="muted" data-testid="replies-total">
            {formatNumber(data.total)} {data.total === 1 ? 'reply' : 'replies'}
          </p>
          {data.replies.length === 0 ? (
            <div className="card empty">
              <h2>No replies here</h2>
              <p>Replies to your blasts appear here as they arrive.</p>
            </div>
          ) : (
            <ul className={css.list} aria-label="Replies, newest first">
              {data.replies.map((r) => (
                <ReplyCard key={r.id} reply={r} onChanged={() => void load()} />
              ))}
            </ul>
          )}
          <Pagination total={data.total} limit={PAGE_SIZE} offset={offset} onChange={setOffset} label="Replies pages" />
        </>
      )}
    </section>
  );
}

/** Only the filters that are set; a blast number that is not a number is left out rather than sent. */
function clean(f: Filters): Filters {
  const out: Filters = {};
  for (const [k, v] of Object.entries(f) as Array<[keyof Filters, string | undefined]>) if (v) (out as Record<string, string>)[k] = v;
  if (out.blast_id && !/^\d+$/.test(out.blast_id)) delete out.blast_id;
  return out;
}
