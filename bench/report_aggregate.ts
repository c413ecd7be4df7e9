/**
 * report_aggregate: median latency of GET /api/reports/funnel — the funnel across blasts — grouped
 * by follow-up stage and by day (in Asia/Kuala_Lumpur), over `blasts` blasts and `recipients`
 * recipients, against the same numbers computed by scanning blast_recipients (the integration
 * test's oracle, test/helpers/funnelScan.ts) on the same database in the same run. Ours goes over
 * HTTP; the scan straight to PostgreSQL (its best case). Both answers are checked equal.
 *
 * The data is generated in SQL with generate_series, straight into PostgreSQL, through the
 * counters' triggers (one INSERT per 20 blasts), then VACUUM ANALYZEd. Blast b is created 8 h
 * after blast b-1 (1,000 blasts ≈ 11 months) with one of 3 stages, 20 tags and 4 devices; its
 * recipients in the status mix of lib/statusMix.ts, sent over ~3 h, read within a day, replied
 * within two.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import { request } from 'undici';
import { funnelScanByBlast, funnelScanByDay } from '../test/helpers/funnelScan.ts';
import { AppProcess } from './lib/appProcess.ts';
import { createBenchDatabase, pgClient } from './lib/db.ts';
import { type BenchOutcome, round } from './lib/result.ts';
import { blastsInMix } from './lib/statusMix.ts';
import { median } from './lib/stats.ts';

const TZ = 'Asia/Kuala_Lumpur';
// The scans the integration test checks the report against, as text and parameters for node-postgres.
const SCAN_STAGE = new PgDialect().sqlToQuery(funnelScanByBlast('follow_up_stage'));
const SCAN_DAY = new PgDialect().sqlToQuery(funnelScanByDay(TZ));

export async function reportAggregate(blasts: number, recipients: number, samples: number, scanSamples: number): Promise<BenchOutcome> {
  const bdb = await createBenchDatabase('agg');
  const client = pgClient(bdb.url);
  let app: AppProcess | null = null;
  try {
    // role api: no engine folding counters in the background while we measure.
    app = await AppProcess.start('report_aggregate', {
      DATABASE_URL: bdb.url,
      ROLE: 'api',
      WSAPME_BASE_URL: 'http://127.0.0.1:9',
      POLL_MODE: 'off',
    });
    await client.connect();
    const perBlast = Math.floor(recipients / blasts);
    const f0 = performance.now();
    await client.query(BLASTS, [blasts, perBlast]);
    for (let first = 1; first <= blasts; first += 20) {
      await client.query(FILL, [first, Math.min(blasts, first + 19), perBlast]);
    }
    // What the engine's fold leaves: one row per key, marked folded.
    await client.query('UPDATE blast_status_counts SET folded = true');
    await client.query('UPDATE blast_stage_hours SET folded = true');
    await client.query('VACUUM ANALYZE');
    const fillSeconds = (performance.now() - f0) / 1000;

    const stageUrl = `${app.url}/api/reports/funnel?group_by=follow_up_stage`;
    const dayUrl = `${app.url}/api/reports/funnel?group_by=day&tz=${encodeURIComponent(TZ)}`;
    for (let i = 0; i < 3; i++) {
      await timed(stageUrl);
      await timed(dayUrl);
    }
    const stageMs: number[] = [];
    const dayMs: number[] = [];
    let stageBody: Report | null = null;
    let dayBody: Report | null = null;
    for (let i = 0; i < samples; i++) {
      const s = await timed(stageUrl);
      stageMs.push(s.ms);
      stageBody = s.body;
      const d = await timed(dayUrl);
      dayMs.push(d.ms);
      dayBody = d.body;
    }
    const scanStageMs: number[] = [];
    const scanDayMs: number[] = [];
    let scanStage: Group[] = [];
    let scanDay: Group[] = [];
    for (let i = 0; i < scanSamples; i++) {
      let t0 = performance.now();
      scanStage = (await client.query<Group>(SCAN_STAGE.sql, SCAN_STAGE.params)).rows;
      scanStageMs.push(performance.now() - t0);
      t0 = performance.now();
      scanDay = (await client.query<Group>(SCAN_DAY.sql, SCAN_DAY.params)).rows;
      scanDayMs.push(performance.now() - t0);
    }
    const stageOk = same(stageBody!.groups, scanStage);
    const dayOk = same(dayBody!.groups, scanDay);
    const p50 = Math.max(median(stageMs), median(dayMs));
    const ratio = Math.min(median(scanStageMs) / median(stageMs), median(scanDayMs) / median(dayMs));
    return {
      result: {
        name: 'report_aggregate',
        value: round(p50),
        unit: 'ms',
        baseline: round(Math.max(median(scanStageMs), median(scanDayMs))),
        ratio: round(ratio),
        goal: '≤ 50 ms and ≥ 10× faster',
        met: stageOk && dayOk && p50 <= 50 && ratio >= 10,
      },
      details: {
        blasts,
        recipients: perBlast * blasts,
        samples,
        scan_samples: scanSamples,
        fill_seconds: round(fillSeconds),
        p50_ms_by_stage: round(median(stageMs)),
        p50_ms_by_day: round(median(dayMs)),
        p50_ms_scan_by_stage: round(median(scanStageMs)),
        p50_ms_scan_by_day: round(median(scanDayMs)),
        days: dayBody!.groups.length,
        stage_hour_rows: Number((await client.query('SELECT count(*) AS n FROM blast_stage_hours')).rows[0].n),
        report_matches_scan: stageOk && dayOk,
        ...(stageOk && dayOk ? {} : { error: 'the report does not match the scan' }),
      },
    };
  } finally {
    await client.end().catch(() => undefined);
    await app?.stop();
    await bdb.drop();
  }
}

interface Group {
  key: string | null;
  sent: number;
  received: number;
  read: number;
  replied: number;
  closed: number;
}
interface Report {
  groups: Group[];
}

function same(ours: Group[], scan: Group[]): boolean {
  const line = (g: Group) => [g.key, g.sent, g.received, g.read, g.replied, g.closed].map(String).join(',');
  const a = ours.map(line).sort();
  const b = scan.map(line).sort();
  return a.length > 0 && a.join('\n') === b.join('\n');
}

async function timed(url: string): Promise<{ ms: number; body: Report }> {
  const t0 = performance.now();
  const res = await request(url);
  const body = (await res.body.json()) as Report;
  const ms = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode}`);
  return { ms, body };
}

const BLASTS = `
INSERT INTO blasts (id, tag, message, follow_up_stage, device, state, created_at, started_at, completed_at, total_recipients)
SELECT b, 'Tag ' || (b % 20), 'Hi {{name}}', (ARRAY['Initial', 'Follow-up 1', 'Follow-up 2'])[b % 3 + 1],
  (5850 + b % 4)::text, 'completed', t, t, t + interval '3 hours', $2
FROM generate_series(1, $1::int) AS b, LATERAL (SELECT timestamptz '2025-12-01 01:00:00+00' + b * interval '8 hours' AS t) x`;

// Blasts $1..$2, $3 recipients each: status from a hash of the row, stage times from the status.
const FILL = `
${blastsInMix('2025-12-01 01:00:00+00')}
INSERT INTO blast_recipients (blast_id, phone_number, status, attempts, queued_at,
  sent_at, delivered_at, read_at, replied_at, closed_at, failed_at)
SELECT b, '+6014' || lpad(g::text, 7, '0'), st, CASE WHEN st = 'SKIPPED' THEN 0 ELSE 1 END, t - interval '1 minute',
  CASE WHEN sent = 1 THEN t END,
  CASE WHEN stage >= 1 THEN t + ((g * 31) % 600 + 1) * interval '1 second' END,
  CASE WHEN stage >= 2 THEN t + ((g * 31) % 600 + 1 + (g * 17) % 86400) * interval '1 second' END,
  CASE WHEN stage >= 3 THEN t + ((g * 31) % 600 + 61 + (g * 17) % 86400 + (g * 13) % 86400) * interval '1 second' END,
  CASE WHEN stage >= 4 THEN t + interval '3 days' END,
  CASE WHEN st = 'FAILED' THEN t END
FROM s`;
