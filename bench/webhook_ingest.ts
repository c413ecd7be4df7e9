/**
 * webhook_ingest: status webhooks per second that wablast acknowledges (each 200 is sent only after
 * its group commit), 64 connections, against a naive handler — one UPDATE per request,
 * autocommit — served by the same wablast process on the same database pool.
 *
 * Each handler gets its own sent recipients (one per event, so the naive handler's lack of
 * ordering rules cannot hurt it) and a warm-up. The load comes from undici, 64 keep-alive
 * connections with a request in flight on each. The events go in ROUNDS rounds that alternate
 * between the two handlers, so a burst of load from elsewhere on a shared machine hits both alike;
 * each rate is its events over the sum of its rounds' times. At the end every recipient must hold
 * the status its event carried, for both handlers.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { Pool } from 'undici';
import { AppProcess } from './lib/appProcess.ts';
import type { DelayProxy } from './lib/delayProxy.ts';
import { createBenchDatabase, pgClient } from './lib/db.ts';
import { type BenchOutcome, round } from './lib/result.ts';

const CONNECTIONS = 64;
export const WEBHOOK_REMOTE_GOAL = '≥ 3× naive';
const ROUNDS = 4;

interface Run {
  seconds: number;
  ok: number;
  failed: number;
  wrong: number;
  /** Transactions the events were committed in (0 for the naive handler, which writes no inbox). */
  commits: number;
  cpuSeconds: number;
}

/**
 * With `remote`, wablast reaches PostgreSQL through a DelayProxy (both handlers: one pool); the
 * row is `webhook_ingest_remote` and its goal ≥ 3× naive, where a round trip per event costs most.
 */
export async function webhookIngest(events: number, warmup: number, remote?: DelayProxy): Promise<BenchOutcome> {
  const name = remote ? 'webhook_ingest_remote' : 'webhook_ingest';
  const bdb = await createBenchDatabase(remote ? 'webhooks_remote' : 'webhooks');
  const secret = randomBytes(12).toString('hex');
  const client = pgClient(bdb.url);
  let app: AppProcess | null = null;
  const pools: Pool[] = [];
  try {
    app = await AppProcess.start(name, {
      DATABASE_URL: remote ? remote.url(bdb.url) : bdb.url,
      WEBHOOK_SECRET: secret,
      // No gateway is called: nothing is sending, and the seeded recipients are not due a poll.
      WSAPME_BASE_URL: 'http://127.0.0.1:9',
      BENCH_BASELINES: '1',
    });
    await client.connect();
    // One keep-alive pool per handler for the whole run: every round measures steady state, not connection set-up.
    const target = (url: URL) => ({ url, pool: new Pool(url.origin, { connections: CONNECTIONS, pipelining: 1 }) });
    const handlers = {
      ours: target(new URL(`/webhooks/wsapme?token=${secret}`, app.url)),
      naive: target(new URL('/naive/webhook', app.baselinesUrl!)),
    };
    pools.push(handlers.ours.pool, handlers.naive.pool);
    const cpu = async () => {
      const u = (await app!.usage()).resourceUsage;
      return (u.userCPUTime + u.systemCPUTime) / 1e6;
    };
    const total = { ours: empty(), naive: empty() };
    await runOnce(client, handlers.naive, 'nw', warmup, cpu);
    await runOnce(client, handlers.ours, 'ow', warmup, cpu);
    const perRound = Math.ceil(events / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      const n = Math.min(perRound, events - r * perRound);
      // Alternate who goes first, too.
      for (const who of r % 2 === 0 ? (['naive', 'ours'] as const) : (['ours', 'naive'] as const)) {
        add(total[who], await runOnce(client, handlers[who], `${who[0]}${r}_`, n, cpu));
      }
    }

    const o = total.ours;
    const n = total.naive;
    const oRate = o.ok / o.seconds;
    const nRate = n.ok / n.seconds;
    const ratio = oRate / nRate;
    const allCorrect = o.wrong === 0 && n.wrong === 0 && o.failed === 0 && n.failed === 0;
    const describe = (x: Run) => ({
      seconds: round(x.seconds),
      ok: x.ok,
      failed: x.failed,
      wrong_status_at_end: x.wrong,
      wablast_cpu_us_per_event: round((x.cpuSeconds / x.ok) * 1e6),
    });
    return {
      result: {
        name,
        value: round(oRate),
        unit: 'events/s',
        baseline: round(nRate),
        ratio: round(ratio),
        goal: remote ? WEBHOOK_REMOTE_GOAL : '≥ 2× naive and ≥ 5,000/s',
        met: allCorrect && (remote ? ratio >= 3 : ratio >= 2 && oRate >= 5000),
      },
      details: {
        ...(remote ? { added_round_trip_ms: remote.roundTripMs, ...(await remote.measure(bdb.url)) } : {}),
        events_per_handler: events,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        ours: { ...describe(o), commits: o.commits, events_per_commit: round(o.ok / o.commits) },
        naive: describe(n),
        ...(allCorrect ? {} : { error: 'a request failed or a status is wrong at the end' }),
      },
    };
  } finally {
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    await client.end().catch(() => undefined);
    await app?.stop();
    await bdb.drop();
  }
}

const empty = (): Run => ({ seconds: 0, ok: 0, failed: 0, wrong: 0, commits: 0, cpuSeconds: 0 });
function add(to: Run, r: Run): void {
  to.seconds += r.seconds;
  to.ok += r.ok;
  to.failed += r.failed;
  to.wrong += r.wrong;
  to.commits += r.commits;
  to.cpuSeconds += r.cpuSeconds;
}

/** Seeds `count` sent recipients with message ids `<prefix><i>`, posts one event for each, checks the end state. */
async function runOnce(
  client: pg.Client,
  { url: target, pool }: { url: URL; pool: Pool },
  prefix: string,
  count: number,
  cpu: () => Promise<number>,
): Promise<Run> {
  const blast = await client.query<{ id: string }>(
    `INSERT INTO blasts (message, device, state, started_at) VALUES ('bench', '5850', 'completed', now()) RETURNING id`,
  );
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

  const path = target.pathname + target.search;
  let next = 0;
  let ok = 0;
  let failed = 0;
  const cpu0 = await cpu();
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
  const cpuSeconds = (await cpu()) - cpu0;

  const check = await client.query<{ wrong: number }>(
    `SELECT count(*) FILTER (WHERE status <> CASE WHEN substr(message_id, $2::int + 1)::int % 4 = 0 THEN 'READ_ACK' ELSE 'DELIVERY_ACK' END)::int AS wrong
     FROM blast_recipients WHERE blast_id = $1`,
    [blastId, prefix.length],
  );
  // wablast stamps a batch's events with its transaction's now(): distinct stamps are commits.
  const commits = await client.query<{ n: number }>(
    `SELECT count(DISTINCT received_at)::int AS n FROM webhook_events WHERE message_id >= $1 AND message_id < $2`,
    [prefix, `${prefix}~`],
  );
  return { seconds, ok, failed, wrong: check.rows[0]!.wrong, commits: commits.rows[0]!.n, cpuSeconds };
}
