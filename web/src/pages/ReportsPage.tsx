import { lazy, Suspense, useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { formatNumber, formatPercent } from '../lib/format.ts';
import type { FunnelReport, ReportGroupBy } from '../lib/types.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import css from './ReportsPage.module.css';

// The chart library is most of the dashboard's weight: load it only when a report is opened.
const StageChart = lazy(() => import('../components/StageChart.tsx').then((m) => ({ default: m.StageChart })));

/** The stages after sent, each with its rate of the stage before. */
const RATED = ['received', 'read', 'replied', 'closed'] as const;

const GROUPS: Array<[Exclude<ReportGroupBy, 'day'>, string]> = [
  ['follow_up_stage', 'Follow-up stage'],
  ['tag', 'Tag'],
  ['device', 'Device'],
];

/** The funnel across blasts per stage (or tag, device), and each stage per day, with a CSV export. */
export function ReportsPage() {
  const [groupBy, setGroupBy] = useState<Exclude<ReportGroupBy, 'day'>>('follow_up_stage');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [table, setTable] = useState<FunnelReport | null>(null);
  const [days, setDays] = useState<FunnelReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const bounds = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
    Promise.all([api.funnelReport({ group_by: groupBy, ...bounds }), api.funnelReport({ group_by: 'day', ...bounds })]).then(
      ([t, d]) => {
        setTable(t);
        setDays(d);
        setError(null);
      },
      (err) => setError(errorText(err)),
    );
  }, [groupBy, from, to]);

  const label = GROUPS.find(([g]) => g === groupBy)![1];
  return (
    <section aria-labelledby="reports-title">
      <div className="page-head">
        <h1 id="reports-title">Reports</h1>
        <a className="btn" href={api.funnelCsvUrl({ group_by: groupBy, ...(from ? { from } : {}), ...(to ? { to } : {}) })} download>
          Export CSV
        </a>
      </div>
      <FilterBar>
        <label>
          Group by
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as typeof groupBy)}>
            {GROUPS.map(([g, l]) => (
              <option key={g} value={g}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </FilterBar>
      <ErrorText messages={error} />
      {table && (
        <div className="card">
          <h2>Funnel by {label.toLowerCase()}</h2>
          <p className="muted">Blasts created in the period, each with its funnel now.</p>
          <div className={css.tableWrap}>
            <table className={`table ${css.table}`} data-testid="report-table">
              <thead>
                <tr>
                  <th scope="col">{label}</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Received</th>
                  <th scope="col">Read</th>
                  <th scope="col">Replied</th>
                  <th scope="col">Closed</th>
                </tr>
              </thead>
              <tbody>
                {[
                  ...table.groups.map((g) => ({ ...g, id: `group:${JSON.stringify(g.key)}` })),
                  { ...table.total, key: 'All', id: 'total' },
                ].map((g) => (
                  <tr key={g.id} className={g.id === 'total' ? css.total : undefined}>
                    <th scope="row">{g.key ?? '(none)'}</th>
                    <td>{formatNumber(g.sent)}</td>
                    {RATED.map((k) => (
                      <td key={k}>
                        {formatNumber(g[k])} <span className="muted">{formatPercent(g.rates[k])}</span>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">Percentages: of the stage before (received of sent, read of received, …).</p>
        </div>
      )}
      {days && (
        <div className="card">
          <h2>Each stage per day</h2>
          <p className="muted">When each stage was reached, by day in {days.tz}.</p>
          <Suspense fallback={<p className="muted loading">Loading the chart…</p>}>
            <StageChart report={days} />
          </Suspense>
        </div>
      )}
    </section>
  );
}
