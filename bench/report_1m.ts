/**
 * report_1m: median latency of GET /api/blasts/:id/report for one blast of `size` recipients in a
 * realistic status mix, against the seed's report — five COUNT queries one after the other — served
 * by the same process on the same pool, over HTTP too. Requests alternate between the two, one at
 * a time, after a warm-up; the table is VACUUM ANALYZEd first so the seed's counts get index-only
 * scans (its best case). The report's counts are checked against a GROUP BY of the table.
 *
 * The status mix is a blast a day after sending (lib/statusMix.ts).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { AppProcess } from './lib/appProcess.ts';
import type { DelayProxy } from './lib/delayProxy.ts';
import { createBenchDatabase, pgClient } from './lib/db.ts';
import { type BenchOutcome, round } from './lib/result.ts';
import { MIX_STAGE, MIX_STATUS } from './lib/statusMix.ts';
import { median, quantile } from './lib/stats.ts';

/** With `remote`, wablast (and the seed's report beside it) reaches PostgreSQL through a DelayProxy: `report_1m_remote`. */
export async function report1m(size: number, samples: number, remote?: DelayProxy): Promise<BenchOutcome> {
  const name = remote ? 'report_1m_remote' : 'report_1m';
  const bdb = await createBenchDatabase(remote ? 'report_remote' : 'report');
  const client = pgClient(bdb.url);
  let app: AppProcess | null = null;
  try {
    app = await AppProcess.start(name, {
      DATABASE_URL: remote ? remote.url(bdb.url) : bdb.url,
      WEBHOOK_SECRET: randomBytes(12).toString('hex'),
      WSAPME_BASE_URL: 'http://127.0.0.1:9',
      POLL_MODE: 'off',
      BENCH_BASELINES: '1',
    });
    await client.connect();
    const blast = await client.query<{ id: string }>(
      `INSERT INTO blasts (message, device, state, started_at, completed_at, total_recipients)
       VALUES ('Hi {{name}}', '5850', 'completed', now() - interval '1 day', now() - interval '20 hours', $1) RETURNING id`,
      [size],
    );
    const id = blast.rows[0]!.id;
    const f0 = performance.now();
    await client.query(FILL, [id, size]);
    await client.query('VACUUM ANALYZE blast_recipients');
    const fillSeconds = (performance.now() - f0) / 1000;

    const expected = await client.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM blast_recipients WHERE blast_id = $1 GROUP BY status',
      [id],
    );
    const n = (s: string) => expected.rows.find((r) => r.status === s)?.n ?? 0;

    const ours = `${app.url}/api/blasts/${id}/report`;
    const seed = `${app.baselinesUrl}/seed/report/${id}`;
    for (let i = 0; i < 3; i++) {
      await timed(ours);
      await timed(seed);
    }
    const oursMs: number[] = [];
    const seedMs: number[] = [];
    let body: Record<string, number> = {};
    for (let i = 0; i < samples; i++) {
      const o = await timed(ours);
      oursMs.push(o.ms);
      body = o.body;
      seedMs.push((await timed(seed)).ms);
    }
    const p50 = median(oursMs);
    const base = median(seedMs);
    const correct =
      body.total === size &&
      body.closed === n('CLOSED') &&
      body.replied === n('REPLIED') + n('CLOSED') &&
      body.read === n('READ_ACK') + n('REPLIED') + n('CLOSED') &&
      body.received === n('DELIVERY_ACK') + n('READ_ACK') + n('REPLIED') + n('CLOSED') &&
      body.failed === n('FAILED');
    const ratio = base / p50;
    return {
      result: {
        name,
        value: round(p50),
        unit: 'ms',
        baseline: round(base),
        ratio: round(ratio),
        goal: '≤ 50 ms and ≥ 3× faster',
        met: correct && p50 <= 50 && ratio >= 3,
      },
      details: {
        ...(remote ? { added_round_trip_ms: remote.roundTripMs, ...(await remote.measure(bdb.url)) } : {}),
        recipients: size,
        samples,
        fill_seconds: round(fillSeconds),
        p90_ms_ours: round(quantile(oursMs, 0.9)),
        p90_ms_seed: round(quantile(seedMs, 0.9)),
        report_matches_table: correct,
        avg_seconds_to_deliver: body.avg_seconds_to_deliver ?? null,
        ...(correct ? {} : { error: 'the report does not match the table' }),
      },
    };
  } finally {
    await client.end().catch(() => undefined);
    await app?.stop();
    await bdb.drop();
  }
}

async function timed(url: string): Promise<{ ms: number; body: Record<string, number> }> {
  const t0 = performance.now();
  const res = await request(url);
  const body = (await res.body.json()) as Record<string, number>;
  const ms = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode}`);
  return { ms, body };
}

// One statement: the status of row g comes from a hash of g, the stage times from the status.
const FILL = `
WITH g AS (
  SELECT g, ${MIX_STATUS},
    now() - interval '1 day' + g * interval '50 milliseconds' AS t
  FROM generate_series(1, $2::int) AS g, LATERAL (SELECT (g::bigint * 7919) % 1000 AS h) x
), s AS (
  SELECT g, st, t,
    ${MIX_STAGE}
  FROM g
)
INSERT INTO blast_recipients (blast_id, phone_number, variables, message_id, status, attempts, queued_at,
  sent_at, delivered_at, read_at, replied_at, closed_at, failed_at, last_error)
SELECT $1, '+6014' || lpad(g::text, 7, '0'), jsonb_build_object('name', 'Customer ' || g),
  CASE WHEN sent = 1 THEN 'R' || g END, st, CASE WHEN st = 'SKIPPED' THEN 0 ELSE 1 END, t - interval '1 minute',
  CASE WHEN sent = 1 THEN t END,
  CASE WHEN stage >= 1 THEN t + ((g * 31) % 600 + 1) * interval '1 second' END,
  CASE WHEN stage >= 2 THEN t + ((g * 31) % 600 + 1 + (g * 17) % 7200) * interval '1 second' END,
  CASE WHEN stage >= 3 THEN t + ((g * 31) % 600 + 61 + (g * 17) % 7200) * interval '1 second' END,
  CASE WHEN stage >= 4 THEN t + interval '3 hours' END,
  CASE WHEN st = 'FAILED' THEN t END,
  CASE WHEN st = 'FAILED' THEN 'number not on WhatsApp' WHEN st = 'SKIPPED' THEN 'opted out' END
FROM s`;
