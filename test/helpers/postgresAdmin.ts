import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Creating and dropping databases on a PostgreSQL server, for the tests, the fault suite and the
 * benchmarks alike (each says which server: its own environment variable).
 */

/** Where the tests find PostgreSQL: an admin connection that may create and drop databases. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** `serverUrl` with its database name replaced by `name`; the query string (sslmode, …) is kept. */
export function databaseUrl(serverUrl: string, name: string): string {
  return serverUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
}

/** One statement on a connection of its own: CREATE and DROP DATABASE cannot run in a pool's transaction. */
export async function queryOnce(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A connection terminated under the statement (a server restart) fails that statement; unheard,
  // node-postgres's 'error' event would crash the whole process instead.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** One statement on the tests' server (ADMIN_URL). */
export function adminQuery(text: string): Promise<pg.QueryResult> {
  return queryOnce(ADMIN_URL, text);
}

export interface EmptyDatabase {
  name: string;
  url: string;
  /** Drops it, whoever is still connected. */
  drop(): Promise<void>;
}

/** A new database `<prefix>_<random hex>` on `serverUrl`, empty: nothing migrated. */
export async function createEmptyDatabase(prefix: string, serverUrl = ADMIN_URL): Promise<EmptyDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await queryOnce(serverUrl, `CREATE DATABASE ${name}`);
  return {
    name,
    url: databaseUrl(serverUrl, name),
    drop: async () => {
      await queryOnce(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
