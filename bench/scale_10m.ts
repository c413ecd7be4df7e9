/**
 * scale_10m: what the hot statements cost when blast_recipients holds `big` rows (most of them in
 * old, completed blasts) against the same statements with `small` rows, on the same database in the
 * same run: the claim (claimRecipients, 50 rows), the webhook UPDATE (applyWebhookEvents, a batch
 * of 50 status events in a transaction) and the report (getReport). Each is the median of `samples`
 * runs, in the bench process on wablast's own functions (no HTTP: the table's size is what is
 * being measured). Also reported: bytes per recipient row, table and indexes, at `big`.
 *
 * The old blasts (10,000 recipients each, the status mix of lib/statusMix.ts, message ids set) are
 * generated with generate_series, 500,000 rows per INSERT, with the triggers off
 * (session_replication_role = replica) for speed; their report counters are then added in one
 * GROUP BY, as the trigger would have. Each phase has its own hot blasts, newest ids, as in life:
 * one sending blast of `hot` queued recipients and one completed blast of `hot` sent ones.
 */
import type pg from 'pg';
import { getReport } from '../src/blasts/report.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { applyWebhookEvents } from '../src/track/applyWebhookEvents.ts';
import { claimRecipients } from '../src/send/claimRecipients.ts';
import type { WebhookEvent } from '../src/webhooks/webhookEvent.ts';
import { createBenchDatabase, pgClient } from './lib/db.ts';
import { type BenchOutcome, round } from './lib/result.ts';
import { blastsInMix } from './lib/statusMix.ts';
import { median } from './lib/stats.ts';

const PER_OLD_BLAST = 10_000;
const BATCH = 50;
export const SCALE_GOAL = '≤ 1.5× the cost at 100,000 rows (claim, webhook, report)';

interface Costs {
  rows: number;
  claim_ms: number;
  webhook_ms: number;
  report_ms: number;
}

export async function scale10m(small: number, big: number, hot: number, samples: number): Promise<BenchOutcome> {
  const bdb = await createBenchDatabase('scale');
  const client = pgClient(bdb.url);
  let database: Database | null = null;
  try {
    database = await openDatabase({ url: bdb.url, poolMax: 4 });
    await migrate(database.db);
    await client.connect();
    const f0 = performance.now();
    let oldBlasts = 0;
    // Old blasts up to `total` rows, counting the hot rows of the phases so far and the next one.
    const fillTo = async (total: number, hotSoFar: number) => {
      const blasts = Math.max(0, Math.round((total - hotSoFar - 2 * hot) / PER_OLD_BLAST));
      oldBlasts += await fillOld(client, oldBlasts, blasts - oldBlasts);
    };
    await fillTo(small, 0);
    const smallFill = (performance.now() - f0) / 1000;
    const atSmall = await measure(database, client, 'a', hot, samples);
    const b0 = performance.now();
    await fillTo(big, 2 * hot);
    const bigFill = (performance.now() - b0) / 1000;
    const atBig = await measure(database, client, 'b', hot, samples);
    const size = (
      await client.query<{ bytes: string; heap: string; n: string }>(
        `SELECT pg_total_relation_size('blast_recipients') AS bytes, pg_relation_size('blast_recipients') AS heap, count(*) AS n FROM blast_recipients`,
      )
    ).rows[0]!;
    const ratios = {
      claim: atBig.claim_ms / atSmall.claim_ms,
      webhook: atBig.webhook_ms / atSmall.webhook_ms,
      report: atBig.report_ms / atSmall.report_ms,
    };
    const worst = Math.max(ratios.claim, ratios.webhook, ratios.report);
    return {
      result: {
        name: 'scale_10m',
        value: round(worst),
        unit: '× cost',
        baseline: 1,
        ratio: round(1 / worst),
        goal: SCALE_GOAL,
        met: worst <= 1.5,
      },
      details: {
        small: atSmall,
        big: atBig,
        cost_ratio: { claim: round(ratios.claim), webhook: round(ratios.webhook), report: round(ratios.report) },
        bytes_per_recipient_row: Math.round(Number(size.bytes) / Number(size.n)),
        heap_bytes_per_row: Math.round(Number(size.heap) / Number(size.n)),
        table_gb_with_indexes: round(Number(size.bytes) / 1024 ** 3),
        old_blasts: oldBlasts,
        fill_seconds: { small: round(smallFill), big: round(bigFill) },
        samples,
        batch: BATCH,
      },
    };
  } finally {
    await client.end().catch(() => undefined);
    await database?.close();
    await bdb.drop();
  }
}

/** Creates `count` old completed blasts after the first `existing`, with their recipients and counters. */
async function fillOld(client: pg.Client, existing: number, count: number): Promise<number> {
  if (count <= 0) return 0;
  const ids = await client.query<{ id: string }>(
    `INSERT INTO blasts (message, device, state, created_at, started_at, completed_at, total_recipients)
     SELECT 'Old blast ' || b, 'old', 'completed', timestamptz '2025-01-01' + b * interval '8 hours',
            timestamptz '2025-01-01' + b * interval '8 hours', timestamptz '2025-01-01' + b * interval '8 hours' + interval '3 hours', $2
     FROM generate_series($1::int + 1, $1::int + $3::int) b RETURNING id`,
    [existing, PER_OLD_BLAST, count],
  );
  const blastIds = ids.rows.map((r) => Number(r.id));
  await client.query('SET session_replication_role = replica');
  try {
    for (let i = 0; i < blastIds.length; i += 50) {
      const chunk = blastIds.slice(i, i + 50);
      await client.query(FILL, [chunk[0], chunk[chunk.length - 1], PER_OLD_BLAST]);
    }
  } finally {
    await client.query('SET session_replication_role = DEFAULT');
  }
  await client.query(
    `INSERT INTO blast_status_counts (blast_id, status, n, deliver_seconds, deliver_n, read_seconds, read_n, folded)
     SELECT blast_id, status, count(*), coalesce(sum(extract(epoch FROM delivered_at - sent_at)), 0), count(delivered_at),
            coalesce(sum(extract(epoch FROM read_at - sent_at)), 0), count(read_at), true
     FROM blast_recipients WHERE blast_id BETWEEN $1 AND $2 GROUP BY blast_id, status`,
    [blastIds[0], blastIds[blastIds.length - 1]],
  );
  return count;
}

async function measure(database: Database, client: pg.Client, phase: string, hot: number, samples: number): Promise<Costs> {
  const db = database.db;
  const device = `hot_${phase}`;
  const sending = await client.query<{ id: string }>(
    `INSERT INTO blasts (message, device, state, started_at, total_recipients) VALUES ('Hi', $1, 'sending', now(), $2) RETURNING id`,
    [device, hot],
  );
  const sent = await client.query<{ id: string }>(
    `INSERT INTO blasts (message, device, state, started_at, completed_at, total_recipients) VALUES ('Hi', $1, 'completed', now(), now(), $2) RETURNING id`,
    [`${device}_done`, hot],
  );
  const sendingId = Number(sending.rows[0]!.id);
  const sentId = Number(sent.rows[0]!.id);
  await client.query(
    `INSERT INTO blast_recipients (blast_id, phone_number) SELECT $1, '+6015' || lpad(g::text, 7, '0') FROM generate_series(1, $2::int) g`,
    [sendingId, hot],
  );
  await client.query(
    `INSERT INTO blast_recipients (blast_id, phone_number, message_id, status, attempts, sent_at)
     SELECT $1, '+6016' || lpad(g::text, 7, '0'), $3 || g, 'PENDING', 1, now() FROM generate_series(1, $2::int) g`,
    [sentId, hot, `H${phase}_`],
  );
  await client.query('VACUUM ANALYZE blast_recipients');
  await client.query('VACUUM ANALYZE blasts');
  await client.query('VACUUM ANALYZE blast_status_counts');
  const rows = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM blast_recipients')).rows[0]!.n);

  let nextEvent = 1;
  const claim = () => claimRecipients(db, device, 'bench', BATCH, { leased: false });
  const webhook = () => {
    const events: WebhookEvent[] = Array.from({ length: BATCH }, () => ({
      kind: 'status',
      messageId: `H${phase}_${nextEvent++}`,
      status: 'DELIVERY_ACK',
      c2sTimestamp: null,
      payload: {},
    }));
    return db.transaction((tx) => applyWebhookEvents(tx, events, { replyWindowHours: 168, pollMode: 'fallback' }));
  };
  const report = () => getReport(db, sentId);
  for (let i = 0; i < 3; i++) {
    await claim();
    await webhook();
    await report();
  }
  const ms: Record<'claim' | 'webhook' | 'report', number[]> = { claim: [], webhook: [], report: [] };
  for (let i = 0; i < samples; i++) {
    for (const [k, fn] of [
      ['claim', claim],
      ['webhook', webhook],
      ['report', report],
    ] as const) {
      const t0 = performance.now();
      await fn();
      ms[k].push(performance.now() - t0);
    }
  }
  // Done with this phase's hot blast: the next phase's claims must not see it.
  await client.query(`UPDATE blasts SET state = 'completed', completed_at = now() WHERE id = $1`, [sendingId]);
  return { rows, claim_ms: round(median(ms.claim))!, webhook_ms: round(median(ms.webhook))!, report_ms: round(median(ms.report))! };
}

// Blasts $1..$2, $3 recipients each, in lib/statusMix.ts's mix; sent ones carry a message id.
const FILL = `
${blastsInMix('2025-01-01')}
INSERT INTO blast_recipients (blast_id, phone_number, variables, message_id, status, attempts, queued_at,
  sent_at, delivered_at, read_at, replied_at, closed_at, failed_at)
SELECT b, '+6014' || lpad(g::text, 7, '0'), jsonb_build_object('name', 'Customer ' || g),
  CASE WHEN sent = 1 THEN 'O' || b || '_' || g END, st, CASE WHEN st = 'SKIPPED' THEN 0 ELSE 1 END, t - interval '1 minute',
  CASE WHEN sent = 1 THEN t END,
  CASE WHEN stage >= 1 THEN t + ((g * 31) % 600 + 1) * interval '1 second' END,
  CASE WHEN stage >= 2 THEN t + ((g * 31) % 600 + 1 + (g * 17) % 86400) * interval '1 second' END,
  CASE WHEN stage >= 3 THEN t + ((g * 31) % 600 + 61 + (g * 17) % 86400) * interval '1 second' END,
  CASE WHEN stage >= 4 THEN t + interval '3 days' END,
  CASE WHEN st = 'FAILED' THEN t END
FROM s`;
