import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the benchmarks find PostgreSQL: an admin connection that may create and drop databases. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const created = new Set<string>();

/** A fresh, empty database for one benchmark (wablast migrates it on start); dropped afterwards. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `wablast_bench_${label}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  created.add(name);
  const url = ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  return {
    name,
    url,
    drop: async () => {
      created.delete(name);
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Drops every database this run created and has not dropped yet (after a crash or Ctrl-C). */
export async function dropAllBenchDatabases(): Promise<void> {
  for (const name of [...created]) {
    created.delete(name);
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
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

export async function adminQuery(text: string): Promise<pg.QueryResult> {
  const client = pgClient(ADMIN_URL);
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

export async function postgresVersion(): Promise<string | null> {
  try {
    const r = await adminQuery('SHOW server_version');
    return String(r.rows[0]?.server_version ?? '') || null;
  } catch {
    return null;
  }
}
