import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FunnelReport } from '../lib/types.ts';
import css from './StageChart.module.css';

const LINES = [
  ['sent', 'Sent', '#64748b'],
  ['received', 'Received', '#0ea5e9'],
  ['read', 'Read', '#6366f1'],
  ['replied', 'Replied', '#16a34a'],
  ['closed', 'Closed', '#ca8a04'],
] as const;

/** Each stage per day: an SVG line chart drawn from props (no inline scripts or styles needed). */
export function StageChart({ report }: { report: FunnelReport }) {
  const data = fillDays(report.groups);
  if (data.length === 0) return <p className="muted">No activity in this period.</p>;
  return (
    <div
      className={css.chart}
      data-testid="stage-chart"
      role="img"
      aria-label={`Sent, received, read, replied and closed per day (${report.tz})`}
    >
      <ResponsiveContainer width="100%" height={280}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#e5e7eb" strokeDasharray="3 3" />
          <XAxis dataKey="key" tick={{ fontSize: 12 }} minTickGap={24} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={48} />
          <Tooltip />
          <Legend />
          {LINES.map(([key, name, color]) => (
            <Line
              key={key}
              type="monotone"
              dataKey={key}
              name={name}
              stroke={color}
              strokeWidth={2}
              dot={data.length < 3}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Days with no events get zeros, so a quiet day shows as a dip rather than being skipped. */
function fillDays(groups: FunnelReport['groups']) {
  const byDay = new Map(groups.filter((g) => g.key).map((g) => [g.key!, g]));
  const days = [...byDay.keys()].sort();
  if (days.length === 0) return [];
  const out = [];
  const end = Date.parse(`${days[days.length - 1]}T00:00:00Z`);
  for (let t = Date.parse(`${days[0]}T00:00:00Z`); t <= end && out.length < 1000; t += 86_400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    const g = byDay.get(key);
    out.push({ key, sent: g?.sent ?? 0, received: g?.received ?? 0, read: g?.read ?? 0, replied: g?.replied ?? 0, closed: g?.closed ?? 0 });
  }
  return out;
}
