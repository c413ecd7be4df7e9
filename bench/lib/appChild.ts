/**
 * The wablast process under test, run by the benchmarks as a child process (bench/lib/appProcess.ts)
 * so its CPU time and peak memory are its own, not the load generator's or the simulator's.
 * It is what `npm start` runs — startWablast on the environment's config, in its MEMORY_MODE — plus, when
 * BENCH_BASELINES=1, a second small Fastify server in the same process and on the same database
 * pool with the seed's approaches, so a baseline is measured under the same conditions.
 */
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { startWablast } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type Db, rows } from '../../src/db/client.ts';
import { createLogger } from '../../src/log.ts';
import { applyMemoryMode } from '../../src/util/memoryMode.ts';

type Request = { type: 'usage' | 'stop'; id: number };

const config = loadConfig(process.env);
applyMemoryMode(config.memoryMode);
const handle = await startWablast(config, { logger: createLogger(config.logLevel) });
const baselines = process.env.BENCH_BASELINES === '1' ? await startBaselines(handle.database.db) : null;
process.send!({ type: 'ready', url: handle.url, baselinesUrl: baselines ? await baselines.listen({ port: 0, host: '127.0.0.1' }) : null });

process.on('message', (m: Request) => {
  if (m.type === 'usage') {
    process.send!({ type: 'reply', id: m.id, body: { resourceUsage: process.resourceUsage(), memory: process.memoryUsage() } });
  } else if (m.type === 'stop') {
    void (async () => {
      await baselines?.close();
      await handle.close();
      process.send!({ type: 'reply', id: m.id, body: {} }, undefined, undefined, () => process.exit(0));
    })();
  }
});

async function startBaselines(db: Db) {
  const app = Fastify({ logger: false });
  // The seed's webhook: one UPDATE per request, answered when it commits (autocommit).
  app.post('/naive/webhook', async (req) => {
    const e = req.body as { messageId: string; status: string; messageC2STimestamp?: string | number };
    await db.execute(
      sql`UPDATE blast_recipients SET status = ${e.status}, message_c2s_timestamp = ${e.messageC2STimestamp == null ? null : String(e.messageC2STimestamp)}
          WHERE message_id = ${e.messageId}`,
    );
    return { ok: true };
  });
  // The seed's report: five COUNT queries, one after the other (seed/batch-blast-architecture.md §4).
  app.get('/seed/report/:id', async (req) => {
    const id = Number((req.params as { id: string }).id);
    const count = async (where: ReturnType<typeof sql>) =>
      (await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM blast_recipients WHERE blast_id = ${id} AND ${where}`))[0]!.n;
    const sent = await count(sql`true`);
    const received = await count(sql`status <> 'PENDING'`);
    const read = await count(sql`status IN ('READ_ACK', 'REPLIED', 'CLOSED')`);
    const replied = await count(sql`status IN ('REPLIED', 'CLOSED')`);
    const closed = await count(sql`status = 'CLOSED'`);
    return { sent, received, read, replied, closed };
  });
  return app;
}
