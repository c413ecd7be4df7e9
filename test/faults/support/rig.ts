import { sql } from 'drizzle-orm';
import { type Database, openDatabase, rows } from '../../../src/db/client.ts';
import { migrate } from '../../../src/db/migrate.ts';
import type { SimOptions } from '../../../sim/simOptions.ts';
import { WsapmeSimulator } from '../../../sim/simulator.ts';
import { createTestDatabase } from '../../helpers/testDatabase.ts';
import { type Figures, checkPromise, installHistory } from './promise.ts';
import { type Role, type WablastProcess, api, sleep, spawnWablast } from './processes.ts';

export const WEBHOOK_SECRET = 'fault-suite-secret';

/** What the simulator does by default in the fault suite: a lively but quick gateway. */
export const FAULT_SIM: Partial<SimOptions> = {
  ratePerSecond: 1000,
  statusRatePerSecond: 1000,
  latencyMs: 30,
  latencyJitterMs: 40,
  deliverDelayMs: [50, 400],
  readDelayMs: [100, 800],
  replyDelayMs: [100, 800],
  webhookRetryMaxMs: 120_000,
};

/**
 * One PostgreSQL database, the simulator in this process, and any number of `wablast serve`
 * child processes pointed at both. The database is migrated and instrumented (status history)
 * before any child starts.
 */
export class Rig {
  readonly procs: WablastProcess[] = [];
  private simWebhooks = true;

  private constructor(
    readonly db: Database,
    readonly databaseUrl: string,
    readonly sim: WsapmeSimulator,
    readonly env: Record<string, string>,
  ) {}

  /** `simWebhooks: false` keeps the simulator from calling any webhook (the test sends its own). */
  static async start(
    opts: { sim?: Partial<SimOptions>; env?: Record<string, string>; databaseUrl?: string; simWebhooks?: boolean } = {},
  ): Promise<Rig> {
    let db: Database;
    let url: string;
    if (opts.databaseUrl) {
      url = opts.databaseUrl;
      db = await openDatabase({ url, poolMax: 4 });
      await migrate(db.db);
    } else {
      const t = await createTestDatabase('postgres'); // its close() drops it
      db = t;
      url = t.url!;
    }
    await installHistory(db.db);
    const sim = await WsapmeSimulator.start({ ...FAULT_SIM, ...opts.sim });
    const env = {
      DATABASE_URL: url,
      WSAPME_BASE_URL: sim.url,
      WEBHOOK_SECRET,
      // The poller would repair lost webhooks and hide them: the suite checks webhooks alone.
      POLL_MODE: 'off',
      // The simulator stands in for a real gateway: no number at risk, so the seed's speed.
      PACING_PRESET: 'fast',
      ...opts.env,
    };
    const rig = new Rig(db, url, sim, env);
    rig.simWebhooks = opts.simWebhooks ?? true;
    return rig;
  }

  /** Starts a child; the first api (or all) process becomes the simulator's webhook target. */
  async spawn(role: Role, env: Record<string, string> = {}): Promise<WablastProcess> {
    const p = await spawnWablast(role, { ...this.env, ...env });
    this.procs.push(p);
    if (role !== 'engine' && this.simWebhooks && this.sim.options.webhookUrl === null) this.webhookTo(p);
    return p;
  }

  webhookTo(p: WablastProcess): void {
    this.sim.configure({ webhookUrl: `${p.url}/webhooks/wsapme`, webhookSecret: WEBHOOK_SECRET });
  }

  /** Creates a blast through the API of `via` and starts it; returns its id. */
  async blast(via: WablastProcess, recipients: string[], device?: string): Promise<number> {
    const created = await api(via.url, 'POST', '/api/blasts', {
      blast_tag: 'faults',
      message: 'Hi {{name|there}}',
      recipients,
      ...(device ? { device } : {}),
    });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.blast_id as number;
    const sent = await api(via.url, 'POST', `/api/blasts/${id}/send`);
    if (sent.status !== 200) throw new Error(`send failed: ${sent.status} ${JSON.stringify(sent.body)}`);
    return id;
  }

  /**
   * Waits until the simulator has accepted `n` more messages than `from`, or the blast is over:
   * a random moment while sending is really going on.
   */
  async acceptedBeyond(from: number, n: number, blast: number, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.sim.stats().accepted < from + n) {
      const state = await this.state(blast).catch(() => 'unknown');
      if (state === 'completed') return;
      if (Date.now() > deadline)
        throw new Error(`no progress: ${this.sim.stats().accepted - from} of ${n} within ${ms} ms\n${this.tail()}`);
      await sleep(5 + Math.random() * 20);
    }
  }

  /** Polls `check` until it holds; after `ms` throws, naming `what`, with the children's last log lines. */
  async until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
    for (const deadline = Date.now() + ms; !(await check()); await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms\n${this.tail()}`);
    }
  }

  /**
   * The promise checked once the gateway has nothing more to tell: its phones go on delivering,
   * reading and replying after a blast completes, and it retries webhooks an API process did not
   * answer. Every webhook answered is applied by then (2xx only after the commit).
   */
  async settledFigures(ids: number[], ms = 150_000): Promise<Figures> {
    await this.until('the gateway has told everything', () => this.sim.stats().eventsPending === 0, ms);
    return checkPromise(this.db.db, ids, this.sim.messages(), { webhooks: true });
  }

  /**
   * Waits until every statement the database is running now has finished: a statement a killed
   * process had sent still runs to its end (and may commit) after the process is gone.
   */
  async statementsRunningNowDone(ms = 60_000): Promise<void> {
    const [now] = await rows<{ at: string }>(this.db.db, sql`SELECT clock_timestamp()::text AS at`);
    await this.until(
      'statements running at the kill finished',
      async () => {
        const [running] = await rows<{ n: number }>(
          this.db.db,
          sql`SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND query_start <= ${now!.at}::timestamptz`,
        );
        return running!.n === 0;
      },
      ms,
    );
  }

  /** Blast state straight from the database (independent of any process being up). */
  async state(id: number): Promise<string> {
    const [r] = await rows<{ state: string }>(this.db.db, sql`SELECT state FROM blasts WHERE id = ${id}`);
    return r?.state ?? 'missing';
  }

  async waitCompleted(ids: number[], ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      let done = true;
      for (const id of ids) {
        try {
          if ((await this.state(id)) !== 'completed') done = false;
        } catch {
          done = false; // the database may be restarting
        }
      }
      if (done) return;
      if (Date.now() > deadline) {
        const counts = await rows(
          this.db.db,
          sql`SELECT blast_id, status, count(*)::int AS n FROM blast_recipients GROUP BY 1, 2 ORDER BY 1, 2`,
        ).catch(() => []);
        throw new Error(`blasts ${ids.join(',')} not completed within ${ms} ms: ${JSON.stringify(counts)}\n${this.tail()}`);
      }
      await sleep(200);
    }
  }

  /** The last log lines of every child, for a failure message. */
  tail(n = 15): string {
    return this.procs.map((p) => `--- ${p.role} ${p.pid}${p.alive ? '' : ' (exited)'}\n${p.logs.slice(-n).join('\n')}`).join('\n');
  }

  async close(): Promise<void> {
    await Promise.all(this.procs.map((p) => (p.alive ? p.stop(15_000) : undefined)));
    await this.sim.close();
    await this.db.close();
  }
}
