/**
 * send_rate_seed: the same kind of blast sent the seed's way — its "Strategy 2: send 10 messages in
 * parallel, wait 2 seconds, repeat" (seed/batch-blast-architecture.md) — through the same gateway
 * client against the same simulator, storing each message id with one UPDATE as the seed does.
 *
 * The seed's loop runs at a fixed ~5 msg/s whatever the gateway allows, so sending all of send_rate's
 * recipients would take a quarter of an hour. It sends a sample instead (250, the seed's daily
 * blast) and its rate, which is constant batch after batch, is compared with send_rate's.
 */
import { createBlast } from '../src/blasts/createBlast.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { WsapmeClient } from '../src/gateway/wsapmeClient.ts';
import type { WsapmeSimulator } from '../sim/simulator.ts';
import { createBenchDatabase, pgPool } from './lib/db.ts';
import { sleep } from './lib/http.ts';
import { phoneNumbers } from './lib/phones.ts';
import { type BenchOutcome, round } from './lib/result.ts';

export async function sendRateSeed(sim: WsapmeSimulator, sample: number, ours: number | null, blastSize: number): Promise<BenchOutcome> {
  sim.reset();
  const webhookUrl = sim.options.webhookUrl;
  sim.configure({ webhookUrl: null }); // nobody listens for the seed's messages
  const bdb = await createBenchDatabase('seed_send');
  const database = await openDatabase({ url: bdb.url, poolMax: 10 });
  const client = pgPool(bdb.url, 10);
  const gateway = new WsapmeClient({ baseUrl: sim.url, apiKeyHeader: 'x-api-key', timeoutMs: 15_000, connections: 10 });
  try {
    await migrate(database.db);
    const { blast_id } = await createBlast(
      database.db,
      {
        tag: 'seed strategy 2',
        message: 'Hello, this is a benchmark',
        followUpStage: null,
        scheduledAt: null,
        device: '5850',
        recipients: phoneNumbers(sample).map((phone) => ({ phone, vars: {} })),
        dryRun: false,
      },
      { region: 'MY', maxRecipients: 100_000 },
    );
    const recipients = (
      await client.query<{ id: string; phone_number: string }>(
        'SELECT id, phone_number FROM blast_recipients WHERE blast_id = $1 ORDER BY id',
        [blast_id],
      )
    ).rows;

    const t0 = performance.now();
    let sent = 0;
    for (let i = 0; i < recipients.length; i += 10) {
      await Promise.all(
        recipients.slice(i, i + 10).map(async (r) => {
          const o = await gateway.sendMessage({ device: '5850', to: r.phone_number, message: 'Hello, this is a benchmark' });
          if (o.kind === 'accepted') {
            sent++;
            await client.query(`UPDATE blast_recipients SET message_id = $1, status = 'PENDING', wsapme_message_data = $2 WHERE id = $3`, [
              o.messageId,
              JSON.stringify(o.data),
              r.id,
            ]);
          } else {
            await client.query(`UPDATE blast_recipients SET status = 'FAILED' WHERE id = $1`, [r.id]);
          }
        }),
      );
      await sleep(2000);
    }
    const seconds = (performance.now() - t0) / 1000;
    const seedRate = sent / seconds;
    return {
      result: {
        name: 'send_rate_seed',
        value: round(ours),
        unit: 'msg/s',
        baseline: round(seedRate),
        ratio: ours === null ? null : round(ours / seedRate),
        goal: 'report the speed-up',
        met: ours !== null && sent === sample,
      },
      details: {
        sample_sent_the_seed_way: sample,
        sample_seconds: round(seconds),
        seed_minutes_for_the_whole_blast: round(blastSize / seedRate / 60),
        whole_blast: blastSize,
      },
    };
  } finally {
    sim.configure({ webhookUrl });
    await gateway.close();
    await client.end();
    await database.close();
    await bdb.drop();
  }
}
