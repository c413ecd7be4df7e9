/**
 * webhook_ingest: status webhooks per second that wablast acknowledges (each 200 is sent only after
 * its group commit), 64 connections, against a naive handler — one UPDATE per request,
 * autocommit — served by the same wablast process on the same database pool.
 *
 * Each handler gets its own set of sent recipients (one per event, so the naive handler's lack of
 * ordering rules cannot hurt it) and its own warm-up. The load comes from undici with 64 keep-alive
 * connections, 64 requests in flight. At the end every recipient must hold the status its event
 * carried, for both handlers.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Pool } from 'undici';
import { AppProcess } from './lib/appProcess.ts';
import { createBenchDatabase } from './lib/db.ts';
import { type BenchOutcome, round } from './lib/result.ts';

const CONNECTIONS = 64;

interface Run {
  rate: number;
  seconds: number;
  ok: number;
  failed: number;
  correct: boolean;
}

export async function webhookIngest(events: number, warmup: number): Promise<BenchOutcome> {
  const bdb = await createBenchDatabase('webhooks');
  const secret = randomBytes(12).toString('hex');
  const client = new pg.Client({ connectionString: bdb.url });
  let app: AppProcess | null = null;
  try {
    app = await AppProcess.start('webhook_ingest', {
      DATABASE_URL: bdb.url,
      WEBHOOK_SECRET: secret,
      // No gateway is called: nothing is sending and polling is off.
      WSAPME_BASE_URL: 'http://127.0.0.1:9',
      POLL_MODE: 'off',
      BENCH_BASELINES: '1',
    });
    await client.connect();
    const ours = new URL(`/webhooks/wsapme?token=${secret}`, app.url);
    const naive = new URL('/naive/webhook', app.baselinesUrl!);

    await runOnce(client, naive, 'nw', warmup);
    await runOnce(client, ours, 'ow', warmup);
    const n = await runOnce(client, naive, 'n', events);
    const o = await runOnce(client, ours, 'o', events);

    const ratio = o.rate / n.rate;
    const allCorrect = o.correct && n.correct && o.failed === 0 && n.failed === 0;
    return {
      result: {
        name: 'webhook_ingest',
        value: round(o.rate),
        unit: 'events/s',
        baseline: round(n.rate),
        ratio: round(ratio),
        goal: '≥ 2× naive and ≥ 5,000/s',
        met: allCorrect && ratio >= 2 && o.rate >= 5000,
      },
      details: {
        events,
        connections: CONNECTIONS,
        ours: { seconds: round(o.seconds), ok: o.ok, failed: o.failed, statuses_correct: o.correct },
        naive: { seconds: round(n.seconds), ok: n.ok, failed: n.failed, statuses_correct: n.correct },
        ...(allCorrect ? {} : { error: 'a request failed or a status is wrong at the end' }),
      },
    };
  } finally {
    await client.end().catch(() => undefined);
    await app?.stop();
    await bdb.drop();
  }
}

/** Seeds `count` sent recipients with message ids `<prefix><i>`, posts one event for each, checks the end state. */
async function runOnce(client: pg.Client, target: URL, prefix: string, count: number): Promise<Run> {
  const blast = await client.query<{ id: string }>(`INSERT INTO blasts (message, device, state, started_at) VALUES ('bench', '5850', 'completed', now()) RETURNING id`);
  const blastId = blast.rows[0]!.id;
  await client.query(
    `INSERT INTO blast_recipients (blast_id, phone_number, message_id, status, sent_at)
     SELECT $1, '+6013' || lpad(g::text, 7, '0'), $2 || g, 'PENDING', now() FROM generate_series(1, $3::int) g`,
    [blastId, prefix, count],
  );
  await client.query('ANALYZE blast_recipients');
  const statusOf = (i: number) => (i % 4 === 0 ? 'READ_ACK' : 'DELIVERY_ACK');
  const bodies = Array.from({ length: count }, (_, k) =>
    JSON.stringify({ messageId: `${prefix}${k + 1}`, status: statusOf(k + 1), messageC2STimestamp: Math.floor(Date.now() / 1000) }),
  );

  const pool = new Pool(target.origin, { connections: CONNECTIONS, pipelining: 1 });
  const path = target.pathname + target.search;
  let next = 0;
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
        await res.body.dump();
        if (res.statusCode === 200) ok++;
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();

  const check = await client.query<{ wrong: number }>(
    `SELECT count(*) FILTER (WHERE status <> CASE WHEN substr(message_id, $2::int + 1)::int % 4 = 0 THEN 'READ_ACK' ELSE 'DELIVERY_ACK' END)::int AS wrong
     FROM blast_recipients WHERE blast_id = $1`,
    [blastId, prefix.length],
  );
  return { rate: ok / seconds, seconds, ok, failed, correct: check.rows[0]!.wrong === 0 };
}
