import pg from 'pg';
import { createEmptyDatabase, queryOnce } from '../../test/helpers/postgresAdmin.ts';

/** Where the benchmarks find PostgreSQL: an admin connection that may create and drop databases. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Each database this run created and has not dropped yet, with how to drop it. */
const created = new Map<string, () => Promise<void>>();

/** A fresh, empty database for one benchmark (wablast migrates it on start); dropped afterwards. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const db = await createEmptyDatabase(`wablast_bench_${label}`, ADMIN_URL);
  created.set(db.name, db.drop);
  return {
    name: db.name,
    url: db.url,
    drop: async () => {
      created.delete(db.name);
      await db.drop();
    },
  };
}

/** Drops every database this run created and has not dropped yet (after a crash or Ctrl-C). */
export async function dropAllBenchDatabases(): Promise<void> {
  for (const [name, drop] of [...created]) {
    created.delete(name);
    await drop().catch(() => undefined);
  }
}

/**
 * A client / pool that survives its connection being terminated (a server restart, another
 * session's pg_terminate_backend): without an 'error' listener node-postgres would crash the whole
 * run; with one, only the query in progress fails, and with it that one benchmark.
 */
export function pgClient(url: string): pg.Client {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', (err) => process.stderr.write(`benchmark connection to ${dbName(url)} lost: ${err.message}\n`));
  return client;
}

export function pgPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  pool.on('error', (err) => process.stderr.write(`benchmark connection to ${dbName(url)} lost: ${err.message}\n`));
  return pool;
}

const dbName = (url: string) => new URL(url).pathname.slice(1);

export async function postgresVersion(): Promise<string | null> {
  try {
    const r = await queryOnce(ADMIN_URL, 'SHOW server_version');
    return String(r.rows[0]?.server_version ?? '') || null;
  } catch {
    return null;
  }
}
