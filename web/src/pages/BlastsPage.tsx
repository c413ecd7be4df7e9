import { useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { href } from '../lib/router.ts';
import type { BlastList } from '../lib/types.ts';
import { groupBlasts } from '../lib/groupBlasts.ts';
import { usePolling } from '../lib/usePolling.ts';
import { BlastListItem } from '../components/BlastListItem.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import css from './BlastsPage.module.css';

const PAGE_SIZE = 20;
const REFRESH_MS = 3000;

export function BlastsPage() {
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<BlastList | null>(null);
  const [error, setError] = useState<string | null>(null);

  usePolling(
    async () => {
      try {
        const list = await api.listBlasts(PAGE_SIZE, offset);
        setData(list);
        setError(null);
      } catch (err) {
        setError(errorText(err));
      }
    },
    REFRESH_MS,
    [offset],
  );

  return (
    <section aria-labelledby="blasts-title">
      <div className="page-head">
        <h1 id="blasts-title">Blasts</h1>
        <a className="btn btn-primary" href={href.new}>
          New blast
        </a>
      </div>
      <ErrorText messages={error} />
      {!data && !error && <p className="muted loading">Loading blasts…</p>}
      {data && data.blasts.length === 0 && offset === 0 && (
        <div className="card empty">
          <h2>No blasts yet</h2>
          <p>Create your first blast: write a message, paste the numbers, check them, and send.</p>
          <a className="btn btn-primary" href={href.new}>
            Create a blast
          </a>
        </div>
      )}
      {data && data.blasts.length > 0 && (
        <>
          <ul className={css.list} aria-label="Blasts, newest first, follow-ups under their blast" data-testid="blast-list">
            {groupBlasts(data.blasts).map((g) => (
              <BlastListItem key={g.blast.id} group={g} />
            ))}
          </ul>
          <Pagination total={data.total} limit={PAGE_SIZE} offset={offset} onChange={setOffset} label="Blasts pages" />
        </>
      )}
    </section>
  );
}
