import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type TestDb = Database & { url: string | undefined; name: string | undefined };

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new PostgreSQL database
 * (dropped on close) when WABLAST_TEST_DB=postgres. Nothing is shared between files.
 */
export async function createTestDatabase(kind = process.env.WABLAST_TEST_DB ?? 'pglite'): Promise<TestDb> {
  if (kind !== 'postgres') {
    const db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db.db);
    return Object.assign(db, { url: undefined, name: undefined });
  }
  const name = `wablast_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  const db = await openDatabase({ url, poolMax: 10 });
  await migrate(db.db);
  const close = db.close;
  return Object.assign(db, {
    url,
    name,
    close: async () => {
      await close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}

export async function adminQuery(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}
